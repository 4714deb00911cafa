"""Privacy scans on real files, on DuckDB and Spark: equivalence classes against a brute-force
reference, quasi-identifier discovery, record ages, and the text cells of a table."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from charter.domain.errors import InputError
from charter.engines.scan.inputs import ScanSource, open_source
from charter.engines.scan.record_dates import record_ages
from charter.engines.scan.reidentification import discover, reidentification
from charter.engines.scan.text_columns import table_text

QI = ["age", "zip", "sex"]


def _table(seed: int, rows: int = 1500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 40, rows),
            "zip": rng.choice(["1011", "1012", "2511", None], rows),
            "sex": rng.choice(["f", "m", "x"], rows, p=[0.48, 0.48, 0.04]),
            "diagnosis": rng.choice(["flu", "asthma", "none", None], rows, p=[0.3, 0.1, 0.5, 0.1]),
            "income": rng.integers(0, 6, rows),
            "id": np.arange(rows),
        }
    )


def _brute_force(frame: pd.DataFrame, sensitive: str, ordered: bool) -> dict[str, float]:
    """The definitions, one class at a time (NULL is a value of its own)."""
    data = frame.astype(object).where(frame.notna(), "<null>")
    classes = data.groupby(QI, dropna=False)
    values = (
        sorted(data[sensitive].unique(), key=str)
        if not ordered
        else sorted(data[sensitive].unique())
    )
    q = data[sensitive].value_counts(normalize=True).reindex(values).to_numpy()
    distinct, entropy, distance = [], [], []
    for _, group in classes:
        p = group[sensitive].value_counts(normalize=True).reindex(values, fill_value=0.0)
        p = p.to_numpy(dtype=float)
        present = p[p > 0]
        distinct.append(int((p > 0).sum()))
        entropy.append(float(np.exp(-(present * np.log(present)).sum())))
        if ordered:
            distance.append(float(np.abs(np.cumsum(p - q)).sum() / (len(values) - 1)))
        else:
            distance.append(float(0.5 * np.abs(p - q).sum()))
    sizes = classes.size().to_numpy()
    return {
        "k": int(sizes.min()),
        "classes": len(sizes),
        "average": len(sizes) / len(frame),
        "uniques": int((sizes == 1).sum()),
        "below": int(sizes[sizes < 5].sum()),
        "l": min(distinct),
        "entropy": min(entropy),
        "t": max(distance),
    }


def _source(backend: Any, path: Path) -> ScanSource:
    return open_source(backend, str(path))


@pytest.mark.parametrize("seed", [1, 2])
def test_classes_match_a_brute_force_reference(backend: Any, tmp_path: Path, seed: int) -> None:
    frame = _table(seed)
    path = tmp_path / "table.parquet"
    frame.to_parquet(path)
    report = reidentification(_source(backend, path), QI, ["diagnosis", "income"], k=5)
    for spread, ordered in zip(report.sensitive, (False, True), strict=True):
        want = _brute_force(frame, spread.attribute, ordered)
        assert spread.ordered is ordered
        assert spread.l_distinct == want["l"]
        assert spread.l_entropy == pytest.approx(want["entropy"], rel=1e-9)
        assert spread.t == pytest.approx(want["t"], abs=1e-12)
    want = _brute_force(frame, "diagnosis", False)
    sizes = report.sizes
    assert (sizes.rows, sizes.classes, sizes.k) == (len(frame), want["classes"], want["k"])
    assert sizes.unique_rows == want["uniques"]
    assert sizes.rows_below_target == want["below"]
    assert sizes.prosecutor_average == pytest.approx(want["average"])
    assert sizes.prosecutor_max == pytest.approx(1 / want["k"])
    assert sum(s * c for s, c in sizes.small_classes) == want["below"]


def test_columns_named_like_the_engines_own_are_fine(backend: Any, tmp_path: Path) -> None:
    frame = _table(3).rename(columns={"zip": "n", "sex": "value", "age": "cls"})
    path = tmp_path / "named.parquet"
    frame.to_parquet(path)
    renamed = reidentification(_source(backend, path), ["cls", "n", "value"], ["diagnosis"])
    original = _table(3)
    want = _brute_force(original, "diagnosis", False)
    assert (renamed.sizes.k, renamed.sizes.classes) == (want["k"], want["classes"])
    assert renamed.sensitive[0].l_distinct == want["l"]
    found = discover(_source(backend, path), k=5)
    assert found.rows == len(frame)
    assert "id" in found.identifiers


def test_discovery_finds_identifiers_and_minimal_risky_sets(backend: Any, tmp_path: Path) -> None:
    rows = 400
    frame = pd.DataFrame(
        {
            "email": [f"user{i}@mail.test" for i in range(rows)],
            "birth_year": [1970 + i % 40 for i in range(rows)],
            "postcode": [f"P{(i // 40) % 5}" for i in range(rows)],
            "plan": ["basic" if i % 2 else "premium" for i in range(rows)],
            "score": [i % 3 for i in range(rows)],
        }
    )
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False)
    found = discover(_source(backend, path), k=5)
    assert found.identifiers == ("email",)
    assert found.suggested == ("birth_year", "postcode")
    risky = {r.columns: r.sizes.k for r in found.risky}
    # 40 birth years x 5 postcodes: classes of 2 rows (i mod 200 repeats twice)
    assert risky[("birth_year", "postcode")] == 2
    # no superset of a risky set is tried or reported
    assert not any({"birth_year", "postcode"} < set(c) for c in risky)
    assert all(k < 5 for k in risky.values())


def test_record_ages_count_old_and_undated_rows(backend: Any, tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(
        "ticket,opened\nt1,2026-11-20\nt2,2025-01-02\nt3,not a date\nt4,2026-05-28\nt5,\n"
    )
    ages = record_ages(_source(backend, path), "opened", date(2026, 5, 28))
    assert (ages.rows, ages.older, ages.undated, ages.oldest) == (5, 1, 2, date(2025, 1, 2))
    with pytest.raises(InputError, match="no column 'closed'"):
        record_ages(_source(backend, path), "closed", date(2026, 5, 28))


def test_table_text_numbers_rows_in_full_and_sampled_reads(backend: Any, tmp_path: Path) -> None:
    rows = 5000
    frame = pd.DataFrame(
        {
            "n": np.arange(rows),
            "note": [f"row {i}\nsecond line" if i % 7 else None for i in range(rows)],
            "flag": [True] * rows,
        }
    )
    path = tmp_path / "notes.parquet"
    frame.to_parquet(path)
    full = table_text(_source(backend, path), sample_rows=None)
    assert full.columns == ("n", "note")
    assert full.rows == rows
    assert not full.sampled
    cells = {(b.column, r): c for b in full.blocks for r, c in zip(b.rows, b.cells, strict=True)}
    assert cells[("n", 4321)] == "4321"
    assert cells[("note", 8)] == "row 8 second line"  # the newline became a space
    assert ("note", 7) not in cells  # NULL cells are not read
    sample = table_text(_source(backend, path), sample_rows=500)
    assert sample.sampled
    seen = [(b.column, r, c) for b in sample.blocks for r, c in zip(b.rows, b.cells, strict=True)]
    numbers = [(r, c) for column, r, c in seen if column == "n"]
    assert 300 < len(numbers) < 700
    assert all(str(r) == c for r, c in numbers)  # each cell keeps its row in the table


def test_a_long_column_comes_in_blocks_of_at_most_two_mebibytes(
    backend: Any, tmp_path: Path
) -> None:
    from charter.privacy.text_blocks import BLOCK_BYTES, cell_ranges

    rows = 30_000
    frame = pd.DataFrame({"note": [f"{i:06d} " + "x" * 93 for i in range(rows)]})  # 100 bytes
    path = tmp_path / "notes.parquet"
    frame.to_parquet(path)
    blocks = list(table_text(_source(backend, path), sample_rows=None).blocks)
    assert len(blocks) >= 2  # 3 MB of cells
    assert all(len(b.data) <= BLOCK_BYTES for b in blocks)
    assert [r for b in blocks for r in b.rows] == list(range(rows))
    assert all(
        c.startswith(f"{r:06d} ") for b in blocks for r, c in zip(b.rows, b.cells, strict=True)
    )
    assert list(cell_ranges([5, 5, 5, 20, 1], limit=12)) == [(0, 2), (2, 3), (3, 4), (4, 5)]
    assert list(cell_ranges([])) == []


def test_the_sample_is_spread_like_a_random_pick_and_the_same_on_both_engines(
    spark_backend: Any, tmp_path: Path
) -> None:
    from charter.engines.scan.backends import connect

    rows = 100_000
    path = tmp_path / "ids.parquet"
    pd.DataFrame({"n": np.arange(rows)}).to_parquet(path)
    picks = []
    for engine in (connect("duckdb"), spark_backend):
        text = table_text(_source(engine, path), sample_rows=1000)
        picks.append(sorted(r for b in text.blocks for r in b.rows))
    assert picks[0] == picks[1]
    gaps = np.diff(picks[0])
    assert 800 < len(picks[0]) < 1200
    # a random pick has gaps of every size (about geometric with mean 100), not a handful
    assert len(set(gaps.tolist())) > 200
    assert gaps.min() < 5
    assert gaps.max() > 300
