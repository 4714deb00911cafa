"""Personal data found in evidence, as checks, services and reports see it: findings (a
masked preview and a keyed digest, never the value), per-file results, the profile of a
table column, and the port that scans text files and tables for checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from charter.domain.pii_catalogue import PiiCatalogue

MAX_FINDINGS_PER_FILE = 10_000
"""Findings listed per file; the counts go on past it (``truncated`` says so)."""


@dataclass(frozen=True)
class PiiFinding:
    """One value found: where (line, or row and column), what, how sure; never the value."""

    entity: str
    score: float
    start: int
    end: int
    preview: str
    digest: str
    line: int | None = None
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class EntityShare:
    """How many cells of a column hold an entity, of the cells looked at."""

    entity: str
    cells: int
    """Cells with at least one finding of the entity."""
    whole: int
    """Cells whose whole value (trimmed) is one finding of the entity."""
    share: float
    low: float
    high: float
    """95 % Wilson interval of the share in the whole column (the cells looked at are a
    random sample unless the scan was full)."""


@dataclass
class ColumnProfile:
    """A table column: the cells looked at and the entities found in them."""

    column: str
    cells: int = 0
    """Non-empty cells looked at."""
    entities: list[EntityShare] = field(default_factory=list)
    label: str | None = None
    """The entity the column holds (most of its hits are whole cell values), ``text`` for
    free text with findings in it, or None when nothing was found."""


class TimeBudgetSpentError(Exception):
    """A scan's time budget (``--budget``) ran out: what it was writing is discarded and
    the file is ``incomplete``, never a pass."""


WHOLE_VALUE_SHARE = 0.8
"""A column holds an entity (rather than mentioning it in text) when at least this share of
the cells where the entity was found are nothing but the entity."""


@dataclass
class PiiFileResult:
    path: str
    bytes: int
    status: str = "complete"
    """``complete``, ``incomplete`` (budget ran out: ``scanned_bytes`` tells how far) or
    ``error``."""
    findings: list[PiiFinding] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    scanned_bytes: int = 0
    truncated: bool = False
    message: str | None = None
    rows: int | None = None
    """Tables: rows in the table (None for text files)."""
    scanned_rows: int | None = None
    """Tables: rows looked at (fewer than ``rows`` when sampled)."""
    columns: list[ColumnProfile] = field(default_factory=list)
    """Tables: the profile of each text column."""
    skipped_columns: list[str] = field(default_factory=list)
    """Tables: columns not read (floats, binary, nested types; ``--columns`` picks any)."""

    @property
    def is_table(self) -> bool:
        return self.rows is not None


@dataclass(frozen=True)
class PiiRun:
    files: list[PiiFileResult]
    entities: list[str]
    threshold: float
    key_id: str
    seconds: float

    @property
    def total_bytes(self) -> int:
        return sum(f.scanned_bytes for f in self.files)

    @property
    def counts(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for result in self.files:
            total.update(result.counts)
        return total


def table_profile(result: PiiFileResult) -> dict[str, object]:
    """A table's rows and column profiles as plain data (the ``charter.scan.pii/v1`` table
    fields, also the privacy checks' evidence): shares and intervals, never a value."""
    return {
        "rows": result.rows,
        "scanned_rows": result.scanned_rows,
        "sampled": result.scanned_rows != result.rows,
        "skipped_columns": list(result.skipped_columns),
        "columns": [
            {
                "column": profile.column,
                "cells": profile.cells,
                "label": profile.label,
                "entities": [
                    {
                        "entity": share.entity,
                        "cells": share.cells,
                        "whole_cells": share.whole,
                        "share": round(share.share, 6),
                        "interval": [round(share.low, 6), round(share.high, 6)],
                    }
                    for share in profile.entities
                ],
            }
            for profile in result.columns
        ],
    }


class PersonalDataScanner(Protocol):
    """Finds personal data in evidence for the privacy checks. Findings are digested with
    the workspace's key; unreadable input gives an ``error`` result, not an exception."""

    @property
    def catalogue(self) -> PiiCatalogue:
        """The recognizers and the categories that declare their entities."""
        ...

    def text_files(self, paths: list[Path]) -> list[PiiFileResult]:
        """Scan text files (transcripts, prompts, logs, JSON lines) completely."""
        ...

    def table(
        self, source: str, columns: tuple[str, ...] = (), *, full: bool = False
    ) -> PiiFileResult:
        """Profile a table's text columns (all of them unless ``columns``) on a random
        sample of rows, or on every row with ``full``."""
        ...
