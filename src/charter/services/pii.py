"""PII scans of text files (``charter scan pii``; the audit's ``privacy.pii_in_text``).

Each file streams block by block through the detector; findings keep only a masked preview
and a keyed digest of what they found. A file that cannot be read is ``error``; one whose
time budget runs out is ``incomplete`` with the bytes it covered, never a silent pass.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from charter.domain.errors import InputError
from charter.privacy.detector import Match
from charter.privacy.masking import digest, preview, replacement
from charter.privacy.text_blocks import TextBlock, located

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


Scan = Callable[[Iterable[TextBlock]], Iterator[tuple[TextBlock, list[Match]]]]


class RedactionSink(Protocol):
    """Where a redacted copy is written (a context manager that keeps the copy only when
    the block loop finished)."""

    def __enter__(self) -> RedactionSink: ...

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None: ...

    def write(self, text: str) -> None: ...


@dataclass(frozen=True)
class Redaction:
    """Write a redacted copy of each scanned file: ``copy_for(path)`` gives its sink."""

    mode: str
    copy_for: Callable[[Path], RedactionSink]


def scan_text_files(
    paths: Sequence[Path],
    read_blocks: Callable[[Path], Iterator[TextBlock]],
    scan: Scan,
    key: bytes,
    *,
    entities: list[str],
    threshold: float,
    key_id: str,
    budget_seconds: float | None = None,
    progress: Callable[[int], None] | None = None,
    redaction: Redaction | None = None,
) -> PiiRun:
    """Scan each file; ``progress`` gets the bytes done after each block. With
    ``redaction``, each file that is scanned completely also gets a redacted copy (the
    file's text with every finding replaced; an incomplete or unreadable file gets none)."""
    started = time.perf_counter()
    results = []
    for path in paths:
        try:
            size = path.stat().st_size
        except OSError as exc:
            results.append(PiiFileResult(str(path), 0, "error", message=f"{path}: {exc.strerror}"))
            continue
        result = PiiFileResult(str(path), size)
        deadline = None if budget_seconds is None else time.perf_counter() + budget_seconds
        done = 0
        skip = 0  # characters of the next block already replaced (a value across a cut)
        try:
            with ExitStack() as stack:
                copy = stack.enter_context(redaction.copy_for(path)) if redaction else None
                for block, matches in scan(read_blocks(path)):
                    if copy is not None and redaction is not None:
                        skip = _write_redacted(copy, block, matches, redaction.mode, key, skip)
                    for line, start, end, match in located(block, matches):
                        result.counts[match.entity] += 1
                        if len(result.findings) >= MAX_FINDINGS_PER_FILE:
                            result.truncated = True
                            continue
                        result.findings.append(
                            PiiFinding(
                                entity=match.entity,
                                score=match.score,
                                start=start,
                                end=end,
                                preview=preview(match.entity, match.value),
                                digest=digest(key, match.entity, match.value),
                                line=line,
                            )
                        )
                    if progress is not None:
                        progress(block.end_offset - done)
                    done = block.end_offset
                    result.scanned_bytes = done
                    if deadline is not None and time.perf_counter() > deadline:
                        result.status = "incomplete"
                        result.message = (
                            f"time budget of {budget_seconds:g} s ran out after {done:,} of "
                            f"{size:,} bytes"
                        )
                        raise _BudgetSpentError
        except _BudgetSpentError:
            pass  # the redacted copy, half written, was discarded
        except InputError as exc:
            result.status = "error"
            result.message = str(exc)
        results.append(result)
    return PiiRun(results, entities, threshold, key_id, time.perf_counter() - started)


class _BudgetSpentError(Exception):
    """The time budget ran out: leave the block loop and discard a redacted copy."""


def _write_redacted(
    copy: RedactionSink, block: TextBlock, matches: list[Match], mode: str, key: bytes, skip: int
) -> int:
    """Write the part of ``block`` it reports, values replaced; returns how many characters
    of the next block a value that crosses the cut has already covered."""
    text, position = block.text, block.report_from + skip
    parts = []
    end_of_block = block.report_until
    for match in matches:
        if match.start < position or match.start >= end_of_block:
            continue
        parts.append(text[position : match.start])
        parts.append(replacement(mode, key, match.entity, match.value))
        position = match.end
    if position < end_of_block:
        parts.append(text[position:end_of_block])
    copy.write("".join(parts))
    return max(position - end_of_block, 0)
