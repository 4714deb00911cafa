"""CSV with positions: each row knows its line, each field its column."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from charter.domain.errors import InputError
from charter.domain.sources import SourceMap
from charter.sourcefiles.limits import read_text_capped


@dataclass(frozen=True, slots=True)
class CsvTable:
    """Rows as dicts keyed by header; ``source`` maps ``(row_index, header)`` and
    ``("header", name)`` to positions."""

    header: list[str]
    rows: list[dict[str, str]]
    source: SourceMap


def read_csv_rows(path: Path, required: list[str], display: str | None = None) -> CsvTable:
    """Read a CSV file with a header row.

    Raises
    ------
    InputError
        When a required column is missing, a column is duplicated or unknown-length rows
        appear; located at ``file:line:column``.
    """
    name = display or str(path)
    text = read_text_capped(path, name)
    source = SourceMap(name)
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError.at(
            name, 1, 1, f"empty file; expected a header: {','.join(required)}"
        ) from None
    except csv.Error as exc:
        raise InputError.at(name, 1, 1, f"invalid CSV: {exc}") from exc
    header = [h.strip() for h in header]
    header_cols = _field_columns(lines[0] if lines else "")
    seen: set[str] = set()
    for i, column_name in enumerate(header):
        source.positions[("header", column_name)] = (1, _col(header_cols, i))
        if column_name in seen:
            raise InputError.at(name, 1, _col(header_cols, i), f"duplicate column '{column_name}'")
        seen.add(column_name)
    missing = [c for c in required if c not in seen]
    if missing:
        raise InputError.at(name, 1, 1, f"missing column(s): {', '.join(missing)}")
    rows: list[dict[str, str]] = []
    line_no = 1
    while True:
        start_line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError.at(name, reader.line_num, 1, f"invalid CSV: {exc}") from exc
        line_no = start_line
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise InputError.at(
                name, line_no, 1, f"row has {len(values)} fields, the header has {len(header)}"
            )
        index = len(rows)
        columns = _field_columns(lines[line_no - 1] if line_no - 1 < len(lines) else "")
        source.positions[(index,)] = (line_no, 1)
        for i, column_name in enumerate(header):
            source.positions[(index, column_name)] = (line_no, _col(columns, i))
        rows.append({h: v.strip() for h, v in zip(header, values, strict=True)})
    return CsvTable(header, rows, source)


def _col(columns: list[int], index: int) -> int:
    return columns[index] if index < len(columns) else 1


def _field_columns(line: str) -> list[int]:
    """1-based start column of each field of one physical CSV line (quotes respected)."""
    starts = [1]
    quoted = False
    for offset, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(offset + 2)
    return starts
