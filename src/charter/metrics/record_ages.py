"""How many records of a table are older than a retention cut-off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RecordAges:
    rows: int
    older: int
    """Rows dated before ``cutoff``."""
    undated: int
    """Rows whose date is missing or unreadable."""
    oldest: date | None
    cutoff: date
