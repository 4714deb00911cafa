"""Blocks of decoded text lines, and where a match in a block sits in its file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from charter.privacy.detector import Match

BLOCK_BYTES = 2 * 1024 * 1024
"""The most text the detector is handed at once (lines of a file, cells of a column): what
a recognizer's per-block time budget is measured on, and what bounds memory per worker."""


def cell_ranges(sizes: Sequence[int], limit: int = BLOCK_BYTES) -> Iterator[tuple[int, int]]:
    """``(low, high)`` index ranges of consecutive cells whose bytes, a newline each
    included, stay within ``limit``: the cells of one block. A larger cell is a block alone."""
    low, total = 0, 0
    for index, size in enumerate(sizes):
        if index > low and total + size + 1 > limit:
            yield low, index
            low, total = index, 0
        total += size + 1
    if low < len(sizes):
        yield low, len(sizes)


@dataclass(frozen=True)
class TextBlock:
    """Decoded lines: ``first_line`` is the 1-based number of the first; ``column_base``
    the character offset of the text in that line (non-zero only for a piece of a long
    line). Matches starting in ``[report_from, report_until)`` (characters) belong to this
    block; the rest of a piece is look-ahead that the next piece reports."""

    text: str
    data: bytes
    first_line: int
    column_base: int
    report_from: int
    report_until: int
    end_offset: int
    """Bytes of the file read once this block is done (for progress and budgets)."""

    @property
    def heading(self) -> str:
        """Words that stand before every line (``Detector.find``): none for file lines."""
        return ""


@dataclass(frozen=True)
class CellBlock(TextBlock):
    """A ``TextBlock`` whose lines are the cells of ``column`` at ``rows`` (0-based)."""

    column: str = ""
    rows: Sequence[int] = ()
    cells: Sequence[str] = field(default=(), repr=False)

    @property
    def heading(self) -> str:
        """The column's name: context for every cell under it."""
        return self.column


@dataclass(frozen=True)
class TableText:
    columns: tuple[str, ...]
    """The columns read (text and integer columns, or those asked for)."""
    rows: int
    """Rows in the table."""
    sampled: bool
    blocks: Iterator[CellBlock]
    skipped: tuple[str, ...] = ()
    """Columns not read for their type (floats, binary, nested): named, never silent."""


def located(block: TextBlock, matches: list[Match]) -> list[tuple[int, int, int, Match]]:
    """``(line, start, end, match)`` for the matches this block reports: the 1-based line
    in the file and character offsets within that line (a match that goes on to further
    lines ends, here, where its first line does). Newlines are counted between one
    match and the next (``str.count``), never all of them one by one."""
    mine = sorted(
        (m for m in matches if block.report_from <= m.start < block.report_until),
        key=lambda m: m.start,
    )
    text = block.text
    result = []
    line, line_start, position = block.first_line, 0, 0
    for match in mine:
        breaks = text.count("\n", position, match.start)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", position, match.start) + 1
        position = match.start
        offset = block.column_base if line == block.first_line else 0
        start = match.start - line_start + offset
        stop = text.find("\n", match.start, match.end)  # a private key's block spans lines
        end = (stop if stop >= 0 else match.end) - match.start + start
        result.append((line, start, end, match))
    return result


def reported_counts(matches: Iterable[Match], report_from: int, report_until: int) -> Counter[str]:
    """The entities of the matches a block reports (those starting in ``[report_from,
    report_until)``), counted."""
    return Counter(m.entity for m in matches if report_from <= m.start < report_until)
