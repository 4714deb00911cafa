"""PII scans of text files (``charter scan pii``; the audit's ``privacy.pii_in_text``).

Each file streams block by block through the detector; findings keep only a masked preview
and a keyed digest of what they found. A file that cannot be read is ``error``; one whose
time budget runs out is ``incomplete`` with the bytes it covered, never a silent pass.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from charter.domain.errors import InputError
from charter.privacy.detector import Match
from charter.privacy.masking import digest, preview
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
) -> PiiRun:
    """Scan each file; ``progress`` gets the bytes done after each block."""
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
        try:
            for block, matches in scan(read_blocks(path)):
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
                    break
        except InputError as exc:
            result.status = "error"
            result.message = str(exc)
        results.append(result)
    return PiiRun(results, entities, threshold, key_id, time.perf_counter() - started)
