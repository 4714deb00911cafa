"""Blocks of decoded text lines, and where a match in a block sits in its file."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from charter.privacy.detector import Match

_NEWLINE = re.compile("\n")


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


@dataclass(frozen=True)
class CellBlock(TextBlock):
    """A ``TextBlock`` whose lines are the cells of ``column`` at ``rows`` (0-based)."""

    column: str = ""
    rows: Sequence[int] = ()
    cells: Sequence[str] = field(default=(), repr=False)


@dataclass(frozen=True)
class TableText:
    columns: tuple[str, ...]
    """The columns read (text and integer columns, or those asked for)."""
    rows: int
    """Rows in the table."""
    sampled: bool
    blocks: Iterator[CellBlock]


def located(block: TextBlock, matches: list[Match]) -> list[tuple[int, int, int, Match]]:
    """``(line, start, end, match)`` for the matches this block reports: the 1-based line
    in the file and character offsets within that line."""
    mine = [m for m in matches if block.report_from <= m.start < block.report_until]
    if not mine:
        return []
    newlines = [m.start() for m in _NEWLINE.finditer(block.text, 0, mine[-1].start)]
    result = []
    for match in mine:
        before = bisect.bisect_left(newlines, match.start)
        if before == 0:
            offset = block.column_base
            line_start = 0
        else:
            offset = 0
            line_start = newlines[before - 1] + 1
        start = match.start - line_start + offset
        result.append((block.first_line + before, start, start + match.end - match.start, match))
    return result
