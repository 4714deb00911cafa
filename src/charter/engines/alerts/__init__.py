"""Outbound alerts: webhook POSTs to endpoints the partner configured, and nothing else."""
