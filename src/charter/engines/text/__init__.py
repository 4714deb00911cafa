"""Text files for the PII detector: streamed in blocks with their line numbers."""
