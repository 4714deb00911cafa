"""The fairness cube on real files, identical on DuckDB and Spark, and its input errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter.domain.errors import InputError
from charter.domain.scans import DecisionColumns
from charter.engines.scan.classification import confusion_cells
from charter.engines.scan.inputs import open_source
from charter.metrics.fairness import FairnessSpec, assess

COLUMNS = DecisionColumns("y", "p", ("sex", "age"), ("region",), "score")


def decision_frame(rows: int = 4_000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male", "nonbinary"], rows, p=[0.47, 0.47, 0.06]).astype(object)
    sex[rng.random(rows) < 0.02] = None
    frame = pd.DataFrame(
        {
            "sex": sex,
            "age": rng.integers(1, 4, rows),
            "region": rng.choice(["eu", "us"], rows),
            "y": rng.integers(0, 2, rows),
            "score": rng.random(rows),
        }
    )
    frame["p"] = (frame["score"] > 0.4 + 0.1 * (frame["age"] == 3)).astype(int)
    return frame


def write(frame: pd.DataFrame, folder: Path, fmt: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        path = folder / "log.parquet"
        frame.to_parquet(path)
        return str(path)
    if fmt == "csv":
        path = folder / "log.csv"
        frame.to_csv(path, index=False)
        return str(path)
    if fmt == "jsonl":
        path = folder / "log.jsonl"
        path.write_text(
            "".join(json.dumps(_no_nan(r)) + "\n" for r in frame.to_dict("records")),
            encoding="utf-8",
        )
        return str(path)
    if fmt == "partitioned":
        for region, part in frame.groupby("region"):
            target = folder / "log" / f"region={region}"
            target.mkdir(parents=True)
            part.drop(columns="region").to_parquet(target / "part-0.parquet")
        return str(folder / "log")
    # a glob over several Parquet files
    third = len(frame) // 3
    for i, start in enumerate((0, third, 2 * third)):
        end = len(frame) if i == 2 else start + third
        frame.iloc[start:end].to_parquet(folder / f"part-{i}.parquet")
    return str(folder / "part-*.parquet")


def _no_nan(record: dict[str, Any]) -> dict[str, Any]:
    return {k: None if isinstance(v, float) and np.isnan(v) else v for k, v in record.items()}


def scan(backend: Any, source: str, columns: DecisionColumns = COLUMNS) -> Any:
    return confusion_cells(open_source(backend, source), columns)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "partitioned", "glob"])
def test_every_format_gives_the_counts_pandas_gives(backend: Any, tmp_path: Path, fmt: str) -> None:
    frame = decision_frame()
    cells = scan(backend, write(frame, tmp_path, fmt))
    grouped = (
        frame.assign(age=frame["age"].astype(str), tp=(frame.y == 1) & (frame.p == 1), n=1)
        .groupby(["sex", "age", "region"], dropna=False)[["n", "tp"]]
        .sum()
    )
    counts = cells.counts()
    assert len(counts) == len(grouped)
    for (sex, age, region), row in grouped.iterrows():
        key = (None if pd.isna(sex) else sex, age, region)
        assert (counts[key].n, counts[key].tp) == (row["n"], row["tp"])
    assert sum(c.score_sum for c in counts.values()) == pytest.approx(frame["score"].sum())


def test_duckdb_and_spark_give_identical_cells_and_metrics(
    spark_backend: Any, tmp_path: Path
) -> None:
    from charter.engines.scan.backends import connect

    source = write(decision_frame(), tmp_path, "parquet")
    duck, spark = scan(connect("duckdb"), source), scan(spark_backend, source)
    assert {k: v[:5] for k, v in _plain(duck).items()} == {
        k: v[:5] for k, v in _plain(spark).items()
    }
    for key, values in _plain(duck).items():
        assert values[5] == pytest.approx(_plain(spark)[key][5], rel=1e-12)
    spec = FairnessSpec(("sex", "age"), intersect=True, control=("region",))
    left, right = assess(duck, spec), assess(spark, spec)
    for name in left.features:
        a, b = left.features[name], right.features[name]
        assert [g.rates for g in a.groups] == [g.rates for g in b.groups]
        assert a.equalized_odds_difference == b.equalized_odds_difference


def _plain(cells: Any) -> dict[Any, tuple[Any, ...]]:
    return {k: (c.n, c.tp, c.fp, c.tn, c.fn, c.score_sum) for k, c in cells.counts().items()}


def test_scan_matches_fairlearn_end_to_end(backend: Any, tmp_path: Path) -> None:
    frame = decision_frame().dropna()
    source = write(frame, tmp_path, "parquet")
    cells = scan(backend, source, DecisionColumns("y", "p", ("sex", "age")))
    report = assess(cells, FairnessSpec(("sex", "age"), intersect=True))
    expected = MetricFrame(
        metrics={"sel": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=frame["y"],
        y_pred=frame["p"],
        sensitive_features=frame[["sex", "age"]].astype(str),
    )
    joint = report.features["sex&age"]
    for group in joint.groups:
        row = expected.by_group.loc[group.group]
        assert group.rates["selection_rate"] == pytest.approx(row["sel"], abs=1e-9)
        assert group.rates["tpr"] == pytest.approx(row["tpr"], abs=1e-9)
        assert group.rates["fpr"] == pytest.approx(row["fpr"], abs=1e-9)
    assert joint.demographic_parity_difference.value == pytest.approx(
        expected.difference()["sel"], abs=1e-9
    )


def test_boolean_labels_and_time_buckets(backend: Any, tmp_path: Path) -> None:
    frame = decision_frame(500).dropna()
    frame["y"] = frame["y"].astype(bool)
    frame["ts"] = pd.Timestamp("2026-03-01") + pd.to_timedelta(np.arange(len(frame)) % 40, "D")
    source = write(frame, tmp_path, "parquet")
    columns = DecisionColumns("y", "p", ("sex",), time="ts", bucket="month")
    cells = scan(backend, source, columns)
    months = sorted({k[0] for k in cells.counts()})
    assert months == ["2026-03-01", "2026-04-01"]
    assert cells.total().n == len(frame)
    assert cells.total().tp == int((frame.y & (frame.p == 1)).sum())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda f: f.rename(columns={"sex": "gender"}), "no column 'sex' (--sensitive sex)"),
        (lambda f: f.assign(y=f["y"] + 1), "column 'y' (label) is not binary"),
        (lambda f: f.assign(p=f["p"].astype(str)), "column 'p' (prediction) is string"),
        (lambda f: f.assign(sex=None), "column 'sex' (--sensitive) is NULL in every row"),
        (lambda f: f.iloc[0:0], "has no rows"),
    ],
)
def test_bad_logs_are_located_input_errors(
    backend: Any, tmp_path: Path, mutate: Any, message: str
) -> None:
    source = write(mutate(decision_frame(200)), tmp_path, "parquet")
    with pytest.raises(InputError) as caught:
        scan(backend, source)
    text = str(caught.value)
    assert text.startswith(source + ": ")
    assert message in text


def test_an_attribute_named_like_a_count_is_a_located_error(tmp_path: Path) -> None:
    import ibis

    source = write(decision_frame(200).rename(columns={"sex": "n"}), tmp_path, "parquet")
    with pytest.raises(InputError) as caught:
        scan(ibis.duckdb.connect(), source, DecisionColumns("y", "p", ("n",)))
    assert str(caught.value).startswith(f"{source}: column 'n' is named like a count")


def test_unreadable_sources_name_the_file(tmp_path: Path) -> None:
    from charter.engines.scan.backends import connect

    con = connect("duckdb")
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1" + b"\x00garbage" * 100)
    cases = {
        str(corrupt): "cannot read as PARQUET",
        str(tmp_path / "absent.parquet"): "no such file or folder",
        str(tmp_path / "*.csv"): "no file matches this pattern",
        str(tmp_path / "notes.txt"): "unknown file type",
    }
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    for source, message in cases.items():
        with pytest.raises(InputError) as caught:
            open_source(con, source)
        assert str(caught.value).startswith(source + ": ")
        assert message in str(caught.value)


def test_a_table_behind_a_connection_url(tmp_path: Path) -> None:
    import duckdb

    database = tmp_path / "logs.duckdb"
    frame = decision_frame(300).dropna()
    with duckdb.connect(str(database)) as con:
        con.register("frame", pa.Table.from_pandas(frame))
        con.execute("CREATE TABLE decisions AS SELECT * FROM frame")
    from charter.engines.scan.backends import connect

    source = open_source(connect("duckdb"), f"duckdb://{database}#decisions")
    cells = confusion_cells(source, COLUMNS)
    source.close()
    assert cells.total().n == len(frame)
    with pytest.raises(InputError, match="name the table after '#'"):
        open_source(connect("duckdb"), f"duckdb://{database}")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(split=st.floats(0.1, 0.9), seed=st.integers(0, 1000))
def test_merging_two_partitions_equals_scanning_their_union(
    tmp_path: Path, split: float, seed: int
) -> None:
    from charter.engines.scan.backends import connect

    frame = decision_frame(300, seed)
    cut = int(len(frame) * split)
    folder = tmp_path / f"run-{seed}-{cut}"
    folder.mkdir(exist_ok=True)  # two examples may share a seed and a cut
    pq.write_table(pa.Table.from_pandas(frame.iloc[:cut]), folder / "a.parquet")
    pq.write_table(pa.Table.from_pandas(frame.iloc[cut:]), folder / "b.parquet")
    con = connect("duckdb")
    merged = scan(con, str(folder / "a.parquet")).merge(scan(con, str(folder / "b.parquet")))
    union = scan(con, str(folder / "*.parquet"))
    assert _plain_counts(merged) == _plain_counts(union)


def _plain_counts(cells: Any) -> dict[Any, tuple[int, ...]]:
    return {k: (c.n, c.tp, c.fp, c.tn, c.fn) for k, c in cells.counts().items()}


@pytest.mark.postgres
def test_a_postgres_table_scans_on_the_server(tmp_path: Path) -> None:
    """``URL#table`` runs the same expression on the server the URL names (PostgreSQL here
    when CHARTER_TEST_DATABASE_URL is set)."""
    import os

    import sqlalchemy

    url = os.environ.get("CHARTER_TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        pytest.skip("CHARTER_TEST_DATABASE_URL not set to PostgreSQL")
    frame = decision_frame(500).dropna()
    table = f"charter_scan_{os.getpid()}"
    engine = sqlalchemy.create_engine(url)
    frame.to_sql(table, engine, index=False)
    try:
        from charter.engines.scan.backends import connect

        ibis_url = "postgres://" + url.split("://", 1)[1]
        source = open_source(connect("duckdb"), f"{ibis_url}#{table}")
        try:
            cells = confusion_cells(source, COLUMNS)
        finally:
            source.close()
        assert cells.total().n == len(frame)
        assert cells.total().tp == int(((frame.y == 1) & (frame.p == 1)).sum())
    finally:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP TABLE "{table}"'))
        engine.dispose()
