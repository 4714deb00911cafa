"""PII scans of text files (``charter scan pii``; the audit's ``privacy.pii_in_text``).

Each file streams block by block through the detector; findings keep only a masked preview
and a keyed digest of what they found. A file that cannot be read is ``error``; one whose
time budget runs out, or where a recognizer runs past its per-block budget, is
``incomplete`` with the bytes it covered, never a silent pass.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, cast

from charter.domain.errors import InputError
from charter.domain.personal_data import (
    MAX_FINDINGS_PER_FILE,
    WHOLE_VALUE_SHARE,
    ColumnProfile,
    EntityShare,
    PiiFileResult,
    PiiFinding,
    PiiRun,
    TimeBudgetSpentError,
)
from charter.domain.pii_catalogue import PiiCatalogue
from charter.metrics.intervals import wilson
from charter.privacy.detector import Match, PatternTimeoutError
from charter.privacy.masking import digest, preview, replacement
from charter.privacy.text_blocks import (
    CellBlock,
    TableText,
    TextBlock,
    cell_ranges,
    located,
    reported_counts,
)

Scan = Callable[[Iterable[TextBlock]], Iterator[tuple[TextBlock, list[Match]]]]
CountingScan = Callable[
    [Iterable[TextBlock], Callable[[TextBlock], bool]],
    Iterator[tuple[TextBlock, list[Match] | Counter[str]]],
]
"""A ``Scan`` that sends back, for each block ``counted(block)`` is true for when it goes
out, the entities of its matches counted instead of the matches."""


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
    scan: CountingScan,
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
        if not path.is_file():  # a pipe or a device would block or never end
            results.append(
                PiiFileResult(str(path), 0, "error", message=f"{path}: not a regular file")
            )
            continue
        result = PiiFileResult(str(path), size)
        deadline = None if budget_seconds is None else time.perf_counter() + budget_seconds
        done = 0
        skip = 0  # characters of the next block already replaced (a value across a cut)
        try:
            with ExitStack() as stack:
                copy = stack.enter_context(redaction.copy_for(path)) if redaction else None

                def listing_full(_block: TextBlock, result: PiiFileResult = result) -> bool:
                    return result.truncated and redaction is None  # a copy needs the matches

                for block, found in scan(read_blocks(path), listing_full):
                    if isinstance(found, Counter):  # the listing was full when it went out
                        result.counts.update(found)
                    else:
                        if copy is not None and redaction is not None:
                            skip = _write_redacted(copy, block, found, redaction.mode, key, skip)
                        _take(result, key, block, found)
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
                        raise TimeBudgetSpentError
        except TimeBudgetSpentError:
            pass  # the redacted copy, half written, was discarded
        except PatternTimeoutError as exc:
            result.status = "incomplete"
            result.message = f"{path}: {exc}; scanned {done:,} of {size:,} bytes"
        except InputError as exc:
            result.status = "error"
            result.message = str(exc)
        results.append(result)
    return PiiRun(results, entities, threshold, key_id, time.perf_counter() - started)


def _take(result: PiiFileResult, key: bytes, block: TextBlock, matches: list[Match]) -> None:
    """Count and list the matches a block of a text file reports (only count them once
    the file's listing is full)."""
    if result.truncated:
        result.counts.update(reported_counts(matches, block.report_from, block.report_until))
        return
    for line, start, end, match in located(block, matches):
        _record(result, key, match, start, end, line=line)


def _record(
    result: PiiFileResult,
    key: bytes,
    match: Match,
    start: int,
    end: int,
    *,
    line: int | None = None,
    row: int | None = None,
    column: str | None = None,
) -> None:
    """Count a match and list it (preview and digest only) up to the per-file limit."""
    result.counts[match.entity] += 1
    if len(result.findings) >= MAX_FINDINGS_PER_FILE:
        result.truncated = True
        return
    result.findings.append(
        PiiFinding(
            entity=match.entity,
            score=match.score,
            start=start,
            end=end,
            preview=preview(match.entity, match.value),
            digest=digest(key, match.entity, match.value),
            line=line,
            row=row,
            column=column,
        )
    )


def scan_table(
    name: str,
    columns: Sequence[str],
    rows: int,
    sampled: bool,
    blocks: Iterable[CellBlock],
    scan: Scan,
    key: bytes,
    *,
    budget_seconds: float | None = None,
) -> PiiFileResult:
    """Scan a table's text cells (``blocks`` from the engine) and profile each column:
    the share of cells holding each entity, with its 95 % Wilson interval (a random sample
    unless every row was read). Findings name the row (1-based) and the column."""
    result = PiiFileResult(name, 0, rows=rows, scanned_rows=0 if sampled else rows)
    deadline = None if budget_seconds is None else time.perf_counter() + budget_seconds
    cells: Counter[str] = Counter()
    holding: dict[str, Counter[str]] = {c: Counter() for c in columns}
    whole: dict[str, Counter[str]] = {c: Counter() for c in columns}
    seen_rows: set[int] = set()
    stream = scan(blocks)
    try:
        for block, matches in stream:
            cell_block = cast("CellBlock", block)
            column = cell_block.column
            cells[column] += len(cell_block.rows)
            if sampled:
                seen_rows.update(cell_block.rows)
            per_cell: dict[int, set[str]] = {}
            for index, start, end, match in located(cell_block, matches):
                row = cell_block.rows[index]
                _record(result, key, match, start, end, row=row + 1, column=column)
                per_cell.setdefault(index, set()).add(match.entity)
                value = cell_block.cells[index]
                if value[:start].strip() == "" and value[end:].strip() == "":
                    whole[column][match.entity] += 1
            for entities in per_cell.values():
                holding[column].update(entities)
            result.scanned_bytes = cell_block.end_offset
            result.bytes = cell_block.end_offset
            if deadline is not None and time.perf_counter() > deadline:
                result.status = "incomplete"
                result.message = (
                    f"time budget of {budget_seconds:g} s ran out after {result.scanned_bytes:,}"
                    " bytes of text cells"
                )
                break
    except PatternTimeoutError as exc:
        result.status = "incomplete"
        result.message = f"{name}: {exc}"
    except InputError as exc:
        result.status = "error"
        result.message = str(exc)
    finally:  # a scan that stopped early lets the engine close its stream now
        for stream_or_blocks in (stream, blocks):
            close = getattr(stream_or_blocks, "close", None)
            if close is not None:
                close()
    if sampled:
        result.scanned_rows = len(seen_rows)
    result.columns = [
        _profile(c, cells[c], holding[c], whole[c], full=not sampled) for c in columns
    ]
    return result


def scan_table_source(
    source: str,
    columns: tuple[str, ...],
    sample_rows: int | None,
    table_text: Callable[[str, tuple[str, ...], int | None], TableText],
    scan: Scan,
    key: bytes,
    *,
    budget_seconds: float | None = None,
) -> PiiFileResult:
    """Open ``source`` through the engine (``table_text``) and scan it; a table that cannot
    be read is an ``error`` result, not an exception."""
    try:
        text = table_text(source, columns, sample_rows)
        result = scan_table(
            source, text.columns, text.rows, text.sampled, text.blocks, scan, key,
            budget_seconds=budget_seconds,
        )  # fmt: skip
        result.skipped_columns = list(text.skipped)
        return result
    except InputError as exc:
        return PiiFileResult(source, 0, "error", message=str(exc))


def _profile(
    column: str, cells: int, holding: Counter[str], whole: Counter[str], *, full: bool
) -> ColumnProfile:
    shares = []
    for entity, count in sorted(holding.items(), key=lambda item: (-item[1], item[0])):
        interval = wilson(count, cells) or (0.0, 1.0)
        low, high = (count / cells, count / cells) if full and cells else interval
        shares.append(EntityShare(entity, count, whole[entity], count / cells, low, high))
    # The column holds the entity when its hits are whole values, not words in a text.
    label = next((x.entity for x in shares if x.whole >= WHOLE_VALUE_SHARE * x.cells), None)
    if label is None and shares:
        label = "text"
    return ColumnProfile(column, cells, shares, label)


def cell_redactor(
    scan: Scan, key: bytes, mode: str, budget_seconds: float | None = None
) -> Callable[[str, list[str]], list[str]]:
    """``redact(column, cells)`` for redacted copies of tables: each cell with its findings
    replaced (``mask``, ``tag`` or ``pseudonym``, as in text files); a newline inside a
    cell is kept in the copy (it is read as a space, which keeps every offset). Past
    ``budget_seconds`` from when it is made it raises ``TimeBudgetSpentError`` (the copy is
    discarded)."""
    deadline = None if budget_seconds is None else time.perf_counter() + budget_seconds

    def redact(column: str, cells: list[str]) -> list[str]:
        if deadline is not None and time.perf_counter() > deadline:
            raise TimeBudgetSpentError
        shown = [c.replace("\n", " ").replace("\r", " ") for c in cells]
        blocks = []
        for low, high in cell_ranges([len(c.encode("utf-8")) for c in shown]):
            text = "\n".join(shown[low:high])
            data = text.encode("utf-8")
            blocks.append(
                CellBlock(
                    text,
                    data,
                    low,
                    0,
                    0,
                    len(text),
                    len(data),
                    column=column,
                    rows=range(low, high),
                    cells=shown[low:high],
                )
            )
        edits: dict[int, list[tuple[int, int, Match]]] = {}
        for scanned, matches in scan(blocks):  # a block's first "line" is its first cell
            for index, start, end, match in located(scanned, matches):
                edits.setdefault(index, []).append((start, end, match))
        result = list(cells)
        for index, found in edits.items():
            cell, parts, position = cells[index], [], 0
            for start, end, match in sorted(found, key=lambda item: item[0]):
                if start < position:
                    continue
                parts += [cell[position:start], replacement(mode, key, match.entity, match.value)]
                position = end
            result[index] = "".join(parts) + cell[position:]
        return result

    return redact


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


@dataclass
class PersonalDataScans:
    """The ``PersonalDataScanner`` the audit hands to the privacy checks: text files stream
    through the detector, tables come from the engine (``table_text``); each result is
    kept, so checks reading the same evidence scan it once."""

    catalogue: PiiCatalogue
    read_blocks: Callable[[Path], Iterator[TextBlock]]
    table_text: Callable[[str, tuple[str, ...], int | None], TableText]
    scan: Scan
    scan_counting: CountingScan
    key_of: Callable[[], bytes]
    """The workspace's HMAC key, made on first use (an audit that scans nothing makes none)."""
    sample_rows: int = 10_000
    _files: dict[Path, PiiFileResult] = field(default_factory=dict)
    _tables: dict[tuple[str, tuple[str, ...], bool], PiiFileResult] = field(default_factory=dict)

    def text_files(self, paths: list[Path]) -> list[PiiFileResult]:
        missing = [p for p in paths if p not in self._files]
        if missing:
            run = scan_text_files(
                missing, self.read_blocks, self.scan_counting, self.key_of(), entities=[],
                threshold=0.0,
                key_id="",
            )  # fmt: skip
            self._files.update(zip(missing, run.files, strict=True))
        return [self._files[p] for p in paths]

    def table(
        self, source: str, columns: tuple[str, ...] = (), *, full: bool = False
    ) -> PiiFileResult:
        key = (source, columns, full)
        if key not in self._tables:
            sample = None if full else self.sample_rows
            self._tables[key] = scan_table_source(
                source, columns, sample, self.table_text, self.scan, self.key_of()
            )
        return self._tables[key]
