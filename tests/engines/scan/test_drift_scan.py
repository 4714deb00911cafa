"""The drift scan on real files: counts equal numpy on DuckDB and Spark, exact KS and
Wasserstein equal scipy, histogram approximations stay within their bounds."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial import distance

from charter.domain.errors import InputError
from charter.engines.scan import drift as drift_engine
from charter.engines.scan.backends import connect
from charter.engines.scan.drift import (
    DriftSpec,
    drift_scan,
    reference_profile,
    window_counts,
)
from charter.engines.scan.inputs import open_source
from charter.metrics import drift, fine_grid
from charter.metrics.drift import ReferenceProfile

SPEC = DriftSpec(("income", "score", "visits", "region", "member"))
TOL = 1e-9


def log(rows: int, seed: int, *, shift: float = 0.0) -> dict[str, Any]:
    """A decision log's monitored columns; ``shift`` moves ``income`` only."""
    rng = np.random.default_rng(seed)
    income: list[float | None] = list(rng.normal(50 + shift, 10, rows).round(2))
    income[:3] = [None, float("nan"), float("inf")]  # all three are missing values
    return {
        "income": income,
        "score": rng.beta(2, 5, rows),
        "visits": rng.integers(0, 4, rows),
        "region": rng.choice(["eu", "us", "apac"], rows, p=[0.5, 0.3, 0.2]),
        "member": rng.random(rows) < 0.4,
    }


def write(data: dict[str, Any], path: Path) -> str:
    pq.write_table(pa.table(data), path)
    return str(path)


def finite(values: Any) -> npt.NDArray[np.float64]:
    array = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return array[np.isfinite(array)]


def duck_profile(source: str, spec: DriftSpec = SPEC) -> ReferenceProfile:
    return reference_profile(open_source(connect("duckdb"), source), spec)


def test_counts_and_distances_on_every_engine(backend: Any, tmp_path: Path) -> None:
    """Every engine profiles the same deciles (numpy's) and gives counts equal to numpy's and
    KS and W1 equal to scipy's: the scans work on a fine grid and sort nothing."""
    ref_data, cur_data = log(12_000, 1), log(11_000, 2, shift=1.5)
    ref = write(ref_data, tmp_path / "reference.parquet")
    cur = write(cur_data, tmp_path / "current.parquet")
    profile = duck_profile(ref)
    mine = reference_profile(open_source(backend, ref), SPEC)
    report = drift_scan(open_source(backend, ref), open_source(backend, cur), SPEC, profile=profile)
    for name in ("income", "score"):
        column = report.column(name)
        edges = profile.column(name).counts.edges
        r, c = finite(ref_data[name]), finite(cur_data[name])
        assert edges == drift.quantile_edges(list(np.quantile(r, drift.quantile_levels())))
        assert len(edges) == 9
        assert mine.column(name).counts.edges == edges
        assert mine.column(name).counts.bins == profile.column(name).counts.bins
        assert mine.column(name).fine == profile.column(name).fine
        assert [b.reference for b in column.bins] == list(drift.bin_counts(edges, r))
        assert [b.current for b in column.bins] == list(drift.bin_counts(edges, c))
        assert column.method == "exact"
        assert column.ks is not None
        assert column.ks.statistic == pytest.approx(stats.ks_2samp(r, c).statistic, abs=TOL)
        assert column.ks.p_value is None  # KS decides nothing above 1,000 reference rows
        assert column.wasserstein == pytest.approx(stats.wasserstein_distance(r, c), rel=TOL)
        assert column.n_unique is None  # counted only up to DISCRETE_MAX_UNIQUE
        assert column.reference_std == pytest.approx(np.std(r), rel=1e-12)
        assert column.current_std == pytest.approx(np.std(c), rel=1e-12)
    income = report.column("income")
    assert (income.reference_missing, income.current_missing) == (3, 3)
    region = report.column("region")
    assert {b.value: b.current for b in region.bins} == dict(
        zip(*np.unique(cur_data["region"], return_counts=True), strict=True)
    )
    member = report.column("member")
    assert [b.value for b in member.bins] == ["false", "true"]
    visits = report.column("visits")
    assert visits.binned_by == "values"
    assert [b.value for b in visits.bins] == [0.0, 1.0, 2.0, 3.0]
    assert visits.method == "exact"
    assert income.drifted
    assert income.test.name == "wasserstein"
    assert not report.column("score").drifted


def test_engine_grid_bins_equal_numpy(backend: Any, tmp_path: Path) -> None:
    """The engine's grid index and offsets use numpy's floating-point steps, so the grid
    table equals ``GridTable.from_values``, values on the grid edges included."""
    rng = np.random.default_rng(3)
    grid = fine_grid.FineGrid(-3.7, 12.9, 997)
    x = np.concatenate([rng.uniform(grid.lo, grid.hi, 20_000), grid.edges(), [grid.lo, grid.hi]])
    path = write({"x": x}, tmp_path / "x.parquet")
    table = open_source(backend, path).table
    window = drift_engine._Window(path, table, x.size, {"x": (x.size, grid.lo, grid.hi)}, "")
    drift_engine._aggregate([window], {"x": grid}, {"x": "numerical"}, DriftSpec(("x",)), None)
    expected = fine_grid.GridTable.from_values(grid, x)
    found = window.grids["x"]
    assert np.array_equal(found.counts, expected.counts)
    assert np.array_equal(found.minima, expected.minima)
    assert np.array_equal(found.maxima, expected.maxima)
    assert np.allclose(found.offsets, expected.offsets, rtol=1e-12, atol=1e-12)
    wanted = {"x": np.array([0, 5, 996], dtype=np.int64)}
    drift_engine._fetch_values([window], {"x": grid}, [wanted], None)
    selected = fine_grid.GridValues.select(x, grid, wanted["x"])
    assert np.array_equal(window.values["x"].bins, selected.bins)
    assert np.array_equal(window.values["x"].values, selected.values)


@pytest.mark.parametrize("binning", ["charter", "evidently"])
def test_the_local_scan_and_the_engine_passes_agree(
    tmp_path: Path, binning: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB windows up to LOCAL_MAX_ROWS are aggregated in numpy, larger ones (and every
    other engine) in the engine: the same report either way (offset sums aside, which only
    differ in summation order)."""
    ref = write(log(15_000, 5), tmp_path / "r.parquet")
    cur = write(log(14_000, 6, shift=0.4), tmp_path / "c.parquet")
    spec = DriftSpec(SPEC.columns, binning=binning)  # type: ignore[arg-type]
    con = connect("duckdb")
    local = drift_scan(open_source(con, ref), open_source(con, cur), spec)
    monkeypatch.setattr(drift_engine, "LOCAL_MAX_ROWS", 0)
    engine = drift_scan(open_source(con, ref), open_source(con, cur), spec)
    assert (
        local.profile.column("income").counts.edges == engine.profile.column("income").counts.edges
    )
    for mine, theirs in zip(local.columns, engine.columns, strict=True):
        assert (mine.bins, mine.test, mine.drifted) == (theirs.bins, theirs.test, theirs.drifted)
        assert mine.psi == theirs.psi
        if mine.ks is not None:
            assert theirs.ks is not None
            assert mine.ks.statistic == theirs.ks.statistic
            assert mine.wasserstein == pytest.approx(theirs.wasserstein, rel=1e-12)
            assert mine.reference_std == pytest.approx(theirs.reference_std, rel=1e-12)


@pytest.mark.parametrize(("n_ref", "n_cur"), [(900, 700), (9_000, 10_000), (15_000, 12_000)])
def test_exact_ks_and_wasserstein_equal_scipy(tmp_path: Path, n_ref: int, n_cur: int) -> None:
    """Up to scipy's exact-KS size every value comes back (scipy's exact p-value); above it
    D and W1 come from the grid and the few bins it opens. Both equal scipy."""
    rng = np.random.default_rng(n_ref)
    # rounding makes ties within and across the windows
    r, c = rng.gamma(2, 3, n_ref).round(1), rng.gamma(2.2, 3, n_cur).round(1)
    ref = write({"x": r}, tmp_path / "r.parquet")
    cur = write({"x": c}, tmp_path / "c.parquet")
    con = connect("duckdb")
    report = drift_scan(open_source(con, ref), open_source(con, cur), DriftSpec(("x",)))
    column = report.column("x")
    expected = stats.ks_2samp(r, c)
    assert column.ks is not None
    assert column.ks.statistic == pytest.approx(expected.statistic, abs=TOL)
    if max(n_ref, n_cur) <= drift.SCIPY_KS_MAX_AUTO_N:
        assert column.ks.method == ("exact" if n_ref <= 10_000 else "asymp")
        assert column.ks.p_value == pytest.approx(expected.pvalue, rel=1e-9)
        assert column.n_unique == np.unique(np.concatenate([r, c])).size
    else:
        assert column.ks.p_value is None
        assert column.n_unique is None
    assert column.wasserstein == pytest.approx(stats.wasserstein_distance(r, c), rel=TOL)
    assert column.reference_std == pytest.approx(np.std(r), rel=1e-12)
    expected_test = "ks" if n_ref <= 1000 else "wasserstein"
    assert column.test.name == expected_test


def test_chi_square_equals_scipy_and_new_categories_count(tmp_path: Path) -> None:
    ref_values = ["a"] * 300 + ["b"] * 200 + ["c"] * 100
    cur_values = ["a"] * 200 + ["b"] * 250 + ["c"] * 90 + ["d"] * 10
    con = connect("duckdb")
    spec = DriftSpec(("kind",))
    report = drift_scan(
        open_source(con, write({"kind": ref_values}, tmp_path / "r.parquet")),
        open_source(con, write({"kind": cur_values}, tmp_path / "c.parquet")),
        spec,
    )
    column = report.column("kind")
    assert [b.value for b in column.bins] == ["a", "b", "c", "d"]
    assert [b.reference for b in column.bins] == [300, 200, 100, 0]
    assert column.test.name == "chisquare"
    assert column.drifted  # a category the reference never saw
    same = drift_scan(
        open_source(con, write({"kind": ref_values}, tmp_path / "r2.parquet")),
        open_source(con, write({"kind": cur_values[:540]}, tmp_path / "c2.parquet")),
        spec,
    ).column("kind")
    observed = np.array([200, 250, 90])
    expected = scipy_chisquare(observed, np.array([300, 200, 100]))
    assert same.chi_square is not None
    assert same.chi_square.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert same.chi_square.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert same.statistic == same.chi_square.statistic


def scipy_chisquare(observed: npt.NDArray[Any], reference: npt.NDArray[Any]) -> Any:
    return stats.chisquare(observed, reference * observed.sum() / reference.sum())


def test_planted_shift_is_detected_and_an_unchanged_column_is_not(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    ref = {"moved": rng.normal(0, 1, 5000), "still": rng.normal(0, 1, 5000)}
    cur = {"moved": rng.normal(0.4, 1, 5000), "still": rng.normal(0, 1, 5000)}
    con = connect("duckdb")
    shares: list[float | None] = []
    report = drift_scan(
        open_source(con, write(ref, tmp_path / "r.parquet")),
        open_source(con, write(cur, tmp_path / "c.parquet")),
        DriftSpec(("moved", "still")),
        progress=shares.append,
    )
    assert shares[-1] == 1.0  # every query reports its end
    moved, still = report.column("moved"), report.column("still")
    assert moved.drifted
    assert moved.psi > 0.1
    assert not still.drifted
    assert still.psi < 0.02
    assert report.share_drifted == 0.5
    assert report.dataset_drift


def test_the_profile_round_trips_and_reused_edges_give_identical_results(tmp_path: Path) -> None:
    ref = write(log(3000, 3), tmp_path / "r.parquet")
    cur = write(log(2500, 4, shift=2), tmp_path / "c.parquet")
    con = connect("duckdb")
    fresh = drift_scan(open_source(con, ref), open_source(con, cur), SPEC)
    stored = ReferenceProfile.from_json(json.loads(json.dumps(fresh.profile.to_json())))
    assert stored == fresh.profile
    again = drift_scan(open_source(con, ref), open_source(con, cur), SPEC, profile=stored)
    assert again.columns == fresh.columns
    # without the reference rows, KS and W1 come from the profile's fine histogram
    alone = drift_scan(None, open_source(con, cur), SPEC, profile=stored)
    for name in ("income", "score"):
        exact, approx = fresh.column(name), alone.column(name)
        assert approx.method == "histogram"
        assert approx.bins == exact.bins
        assert approx.psi == exact.psi
        assert exact.ks is not None
        assert approx.ks is not None
        assert approx.ks_bound is not None
        assert approx.wasserstein_bound is not None
        assert -1e-12 <= exact.ks.statistic - approx.ks.statistic <= approx.ks_bound + 1e-12
        assert abs(exact.wasserstein - approx.wasserstein) <= approx.wasserstein_bound + 1e-12  # type: ignore[operator]


def test_evidently_binning_reproduces_numpy_sturges(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    r, c = rng.normal(0, 1, 3000), rng.normal(0.2, 1.3, 2000)
    ints_r, ints_c = rng.integers(0, 60, 3000), rng.integers(5, 70, 2000)
    con = connect("duckdb")
    report = drift_scan(
        open_source(con, write({"x": r, "n": ints_r}, tmp_path / "r.parquet")),
        open_source(con, write({"x": c, "n": ints_c}, tmp_path / "c.parquet")),
        DriftSpec(("x", "n"), binning="evidently"),
    )
    for name, a, b in (("x", r, c), ("n", ints_r, ints_c)):
        column = report.column(name)
        assert column.binned_by == "sturges"
        edges = np.histogram_bin_edges(np.concatenate([a, b]), bins="sturges")
        assert [x.reference for x in column.bins] == list(np.histogram(a, edges)[0])
        assert [x.current for x in column.bins] == list(np.histogram(b, edges)[0])
        shares = np.histogram(a, edges)[0] / a.size, np.histogram(b, edges)[0] / b.size
        assert column.js == pytest.approx(float(distance.jensenshannon(*shares)), abs=1e-12)


def test_one_log_with_two_windows_keeps_both_dates(tmp_path: Path) -> None:
    stamps = pd.to_datetime(
        ["2026-01-01 00:00", "2026-01-31 23:59", "2026-02-01 00:00", "2026-02-28 12:00"] * 30
    )
    frame = pd.DataFrame({"ts": stamps, "value": np.arange(120) % 7, "flag": np.arange(120) % 2})
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    spec = DriftSpec(
        ("value",),
        time="ts",
        reference_window=(date(2026, 1, 1), date(2026, 1, 31)),
        current_window=(date(2026, 2, 1), date(2026, 2, 28)),
    )
    con = connect("duckdb")
    source = open_source(con, str(path))
    report = drift_scan(source, source, spec)
    january = frame[frame.ts < pd.Timestamp("2026-02-01")]
    assert report.reference_rows == len(january) == 60
    assert report.current_rows == 60
    assert report.profile.window == spec.reference_window
    empty = DriftSpec(
        ("value",),
        time="ts",
        reference_window=spec.reference_window,
        current_window=(date(2026, 3, 1), date(2026, 3, 31)),
    )
    with pytest.raises(InputError) as caught:
        drift_scan(source, source, empty)
    assert str(caught.value) == (
        f"{path}: has no rows in the current window 2026-03-01/2026-03-31 (time column 'ts')"
    )


@settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cut=st.integers(1, 399), seed=st.integers(0, 10_000))
def test_counts_of_two_partitions_add_up_to_the_counts_of_their_union(
    tmp_path: Path, cut: int, seed: int
) -> None:
    data = log(400, seed)
    folder = tmp_path / f"run-{seed}-{cut}"
    folder.mkdir(exist_ok=True)  # hypothesis may replay an example
    table = pa.table(data)
    pq.write_table(table.slice(0, cut), folder / "a.parquet")
    pq.write_table(table.slice(cut), folder / "b.parquet")
    con = connect("duckdb")
    profile = reference_profile(open_source(con, str(folder / "*.parquet")), SPEC)
    first = window_counts(open_source(con, str(folder / "a.parquet")), SPEC, profile)
    second = window_counts(open_source(con, str(folder / "b.parquet")), SPEC, profile)
    union = window_counts(open_source(con, str(folder / "*.parquet")), SPEC, profile)
    for name in SPEC.columns:
        merged = first[name].merge(second[name])
        assert (merged.rows, merged.missing, merged.bins, merged.values) == (
            union[name].rows,
            union[name].missing,
            union[name].bins,
            union[name].values,
        )
        assert (merged.minimum, merged.maximum) == (union[name].minimum, union[name].maximum)
        moments, expected = merged.moments, union[name].moments
        if moments is not None:
            assert expected is not None
            assert moments.n == expected.n
            assert moments.total_of_squares == pytest.approx(expected.total_of_squares, rel=1e-9)


def test_a_constant_reference_column_is_a_single_value(tmp_path: Path) -> None:
    con = connect("duckdb")
    report = drift_scan(
        open_source(con, write({"x": np.full(50, 3.0)}, tmp_path / "r.parquet")),
        open_source(con, write({"x": np.array([3.0] * 40 + [4.0] * 10)}, tmp_path / "c.parquet")),
        DriftSpec(("x",)),
    )
    column = report.column("x")
    assert column.n_unique_reference == 1
    assert [(b.value, b.reference, b.current) for b in column.bins] == [(3.0, 50, 40), (4.0, 0, 10)]
    assert column.reference_std == 0.0
    assert column.wasserstein == pytest.approx(0.2)
    assert column.wasserstein_norm == pytest.approx(200.0)  # std floored at 0.001


@pytest.mark.parametrize(
    ("reference", "current", "columns", "message"),
    [
        ({"x": []}, {"x": [1.0]}, ("x",), "{ref}: has no rows"),
        ({"x": [1.0]}, {"x": []}, ("x",), "{cur}: has no rows"),
        (
            {"x": [1.0]},
            {"x": [1.0]},
            ("xx",),
            "{ref}: no column 'xx' (--columns xx); did you mean 'x'?",
        ),
        ({"x": [None, None]}, {"x": [1.0]}, ("x",), "{ref}: column 'x' is NULL in every row"),
        ({"k": [None, None]}, {"k": ["a"]}, ("k",), "{ref}: column 'k' is NULL in every row"),
        ({"x": [1.0]}, {"x": [float("nan")]}, ("x",), "{cur}: column 'x' is NULL in every row"),
    ],
)
def test_bad_windows_are_located_input_errors(
    tmp_path: Path,
    reference: dict[str, Any],
    current: dict[str, Any],
    columns: tuple[str, ...],
    message: str,
) -> None:
    def table(data: dict[str, Any]) -> pa.Table:
        name, values = next(iter(data.items()))
        kind = pa.string() if name == "k" else pa.float64()
        return pa.table({name: pa.array(values, type=kind)})

    ref, cur = tmp_path / "ref.parquet", tmp_path / "cur.parquet"
    pq.write_table(table(reference), ref)
    pq.write_table(table(current), cur)
    con = connect("duckdb")
    with pytest.raises(InputError) as caught:
        drift_scan(open_source(con, str(ref)), open_source(con, str(cur)), DriftSpec(columns))
    assert message.format(ref=ref, cur=cur) in str(caught.value)


def test_a_stored_profile_must_cover_the_columns(tmp_path: Path) -> None:
    ref = write({"x": np.arange(30.0), "k": ["a", "b", "c"] * 10}, tmp_path / "r.parquet")
    profile = duck_profile(ref, DriftSpec(("x",)))
    con = connect("duckdb")
    with pytest.raises(InputError, match="the reference profile has no column 'k'"):
        drift_scan(None, open_source(con, ref), DriftSpec(("x", "k")), profile=profile)
    with pytest.raises(InputError, match="'x' is categorical here but numerical"):
        drift_scan(
            None, open_source(con, ref), DriftSpec(("x",), categorical=("x",)), profile=profile
        )
    with pytest.raises(InputError, match="Evidently binning needs the reference rows"):
        drift_scan(
            None, open_source(con, ref), DriftSpec(("x",), binning="evidently"), profile=profile
        )
    with pytest.raises(InputError, match="a window needs a time column"):
        drift_scan(
            None,
            open_source(con, ref),
            DriftSpec(("x",), current_window=(date(2026, 1, 1), date(2026, 1, 2))),
            profile=profile,
        )
