"""What an evidence pack is made of: named bytes (the engine writes, signs and verifies
them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EvidenceFile:
    path: str
    """Path inside the pack: forward slashes, relative, no ``..``."""
    data: bytes
