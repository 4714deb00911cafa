from __future__ import annotations

from pathlib import Path

import pytest

from charter.domain.errors import InputError
from charter.sourcefiles.csv_source import read_csv_rows


def test_rows_keep_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text('person,module,note\n\nalice,basics,"a, quoted"\nbob,ownership,x\n')
    table = read_csv_rows(path, ["person", "module"])
    assert [r["person"] for r in table.rows] == ["alice", "bob"]
    assert table.source.positions[(0, "person")] == (3, 1)
    assert table.source.positions[(0, "module")] == (3, 7)
    assert table.source.positions[(1, "note")] == (4, 15)


def test_missing_column_and_ragged_row(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("person,completed\nalice,2026-01-01\n")
    with pytest.raises(InputError, match=r"r.csv:1:1: missing column\(s\): module"):
        read_csv_rows(path, ["person", "module"])
    path.write_text("person,module\nalice\n")
    with pytest.raises(InputError, match=r"r.csv:2:1: row has 1 fields, the header has 2"):
        read_csv_rows(path, ["person", "module"])


def test_duplicate_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("person,module,person\n")
    with pytest.raises(InputError, match=r"r.csv:1:15: duplicate column 'person'"):
        read_csv_rows(path, ["person"])
