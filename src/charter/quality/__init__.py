"""Quality control of AI-made deliverables: pure rules on decoded content and a profile.

Timed text (SRT, WebVTT, TTML/IMSC) into one event model and the timed-text rules. No file
I/O (``engines/media`` reads and decodes files); imports nothing else of Charter.
"""
