"""Count tables, the stored reference profile, the drift report and its renderers."""

from __future__ import annotations

import copy
import json
import math
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial import distance

from charter.metrics import drift
from charter.metrics.drift import (
    ColumnCounts,
    ColumnProfile,
    FineGrid,
    FineHistogram,
    Moments,
    ReferenceProfile,
)
from charter.reports.scan_drift import (
    DRIFT_SCHEMA,
    bin_label,
    drift_document,
    render_drift_html,
    render_drift_table,
)

SETTINGS = settings(database=None, deadline=None, max_examples=60)
Floats = npt.NDArray[np.float64]


# ------------------------------------------------ counts as the engine makes them, in numpy


def numeric_counts(x: Floats, edges: tuple[float, ...], shift: float) -> ColumnCounts:
    finite = x[np.isfinite(x)]
    delta = finite - shift
    return ColumnCounts(
        "numerical",
        x.size,
        x.size - finite.size,
        edges,
        tuple(int(v) for v in drift.bin_counts(edges, finite)),
        minimum=float(finite.min()),
        maximum=float(finite.max()),
        moments=Moments(finite.size, shift, float(delta.sum()), float((delta * delta).sum())),
    )


def fine_counts(grid: FineGrid, x: Floats) -> list[int]:
    """The engine's grid index (``FineGrid`` docstring), in numpy."""
    index = np.minimum(
        np.floor((np.clip(x, grid.lo, grid.hi) - grid.lo) * grid.scale), grid.bins - 1
    )
    index = np.where(x < grid.lo, -1, np.where(x > grid.hi, grid.bins, index)).astype(int)
    return [int(v) for v in np.bincount(index + 1, minlength=grid.bins + 2)]


def value_counts(values: list[Any], kind: drift.ColumnKind = "categorical") -> ColumnCounts:
    present = [v for v in values if v is not None]
    keys, counts = np.unique(np.array(present, dtype=object), return_counts=True)
    return ColumnCounts(
        kind,
        len(values),
        len(values) - len(present),
        values=drift.sorted_values({k: int(c) for k, c in zip(keys, counts, strict=True)}),
    )


def profile_of(reference: dict[str, Any]) -> ReferenceProfile:
    """A profile of numpy float arrays (numeric) and lists (categorical)."""
    columns = []
    for name, data in reference.items():
        if isinstance(data, list):
            counts = value_counts(data)
            columns.append(ColumnProfile(name, counts, len(counts.values)))
            continue
        finite = data[np.isfinite(data)]
        n_unique = np.unique(finite).size
        edges: tuple[float, ...] = ()
        fine = None
        if n_unique > drift.DISCRETE_MAX_UNIQUE:
            edges = drift.quantile_edges(list(np.quantile(finite, drift.quantile_levels())))
            grid = FineGrid(float(finite.min()), float(finite.max()))
            fine = FineHistogram(grid, tuple(fine_counts(grid, finite)))
        counts = numeric_counts(data, edges, float(finite.mean()))
        if n_unique <= drift.DISCRETE_MAX_UNIQUE:
            keys, c = np.unique(finite, return_counts=True)
            counts = ColumnCounts(
                "numerical",
                counts.rows,
                counts.missing,
                counts.edges,
                counts.bins,
                tuple((float(k), int(v)) for k, v in zip(keys, c, strict=True)),
                counts.minimum,
                counts.maximum,
                counts.moments,
            )
        columns.append(ColumnProfile(name, counts, n_unique, fine=fine))
    rows = {c.counts.rows for c in columns}
    assert len(rows) == 1
    return ReferenceProfile("reference.parquet", rows.pop(), tuple(columns))


def current_of(profile: ReferenceProfile, current: dict[str, Any]) -> dict[str, ColumnCounts]:
    result = {}
    for column in profile.columns:
        data = current[column.name]
        if column.kind == "categorical":
            result[column.name] = value_counts(data)
            continue
        counts = numeric_counts(data, column.counts.edges, column.counts.moments.shift)  # type: ignore[union-attr]
        if column.discrete:
            finite = data[np.isfinite(data)]
            keys, c = np.unique(finite, return_counts=True)
            counts = ColumnCounts(
                "numerical",
                counts.rows,
                counts.missing,
                counts.edges,
                counts.bins,
                tuple((float(k), int(v)) for k, v in zip(keys, c, strict=True)),
                counts.minimum,
                counts.maximum,
                counts.moments,
            )
        result[column.name] = counts
    return result


def windows(seed: int = 0, n_ref: int = 3000, n_cur: int = 2000) -> tuple[dict[str, Any], ...]:
    rng = np.random.default_rng(seed)
    reference = {
        "income": rng.normal(50, 10, n_ref),
        "visits": rng.integers(0, 3, n_ref).astype(float),
        "region": list(rng.choice(["eu", "us", "apac"], n_ref)),
    }
    current = {
        "income": rng.normal(53, 10, n_cur),
        "visits": rng.integers(0, 3, n_cur).astype(float),
        "region": [*rng.choice(["eu", "us", "apac"], n_cur - 5), *["latam"] * 5],
    }
    return reference, current


def exact_report(reference: dict[str, Any], current: dict[str, Any]) -> drift.DriftReport:
    profile = profile_of(reference)
    counts = current_of(profile, current)
    r, c = reference["income"], current["income"]
    values, index = np.unique(np.concatenate([r, c]), return_inverse=True)
    distances = {
        "income": drift.distances_from_values(
            values,
            np.bincount(index[: r.size], minlength=values.size),
            np.bincount(index[r.size :], minlength=values.size),
        )
    }
    return drift.compare_windows(profile, counts, distances, current_rows=len(c))


# ----------------------------------------------------------------------- count tables


def test_moments_give_numpys_population_std_and_add_up() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(1e6, 3, 5000)
    shift = float(x[:10].mean())
    first, second = x[:1234] - shift, x[1234:] - shift
    a = Moments(first.size, shift, float(first.sum()), float((first**2).sum()))
    b = Moments(second.size, shift, float(second.sum()), float((second**2).sum()))
    merged = a.merge(b)
    assert merged.std == pytest.approx(np.std(x), rel=1e-9)
    assert merged.mean == pytest.approx(np.mean(x), rel=1e-12)
    assert Moments(0, 0.0, 0.0, 0.0).std is None
    with pytest.raises(ValueError, match="do not add up"):
        a.merge(Moments(1, shift + 1, 0.0, 0.0))


def test_column_counts_of_two_partitions_add_up() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(0, 1, 1000)
    x[::97] = np.nan
    edges = drift.quantile_edges(list(np.nanquantile(x, drift.quantile_levels())))
    whole = numeric_counts(x, edges, 0.0)
    merged = numeric_counts(x[:300], edges, 0.0).merge(numeric_counts(x[300:], edges, 0.0))
    assert (merged.rows, merged.missing, merged.bins) == (whole.rows, whole.missing, whole.bins)
    assert (merged.minimum, merged.maximum) == (whole.minimum, whole.maximum)
    labels = value_counts(["a", "b", None]).merge(value_counts(["b", "c"]))
    assert labels.values == (("a", 1), ("b", 2), ("c", 1))
    assert (labels.rows, labels.missing, labels.n) == (5, 1, 4)
    with pytest.raises(ValueError, match="same column kind and bin edges"):
        whole.merge(numeric_counts(x, (0.0,), 0.0))


def test_fine_grid_edges_and_validation() -> None:
    grid = FineGrid(-1.0, 3.0, 4)
    assert list(grid.edges()) == [-1.0, 0.0, 1.0, 2.0, 3.0]
    assert grid.scale == 1.0
    assert fine_counts(grid, np.array([-5.0, -1.0, 0.5, 3.0, 9.0])) == [1, 1, 1, 0, 1, 1]
    for lo, hi in ((1.0, 1.0), (0.0, math.inf)):
        with pytest.raises(ValueError, match="finite lo < hi"):
            FineGrid(lo, hi)
    with pytest.raises(ValueError, match="needs 6 counts"):
        FineHistogram(grid, (1, 2))


@SETTINGS
@given(seed=st.integers(0, 10_000), offset=st.floats(-2, 2), bins=st.sampled_from([50, 1000]))
def test_histogram_distances_stay_within_their_bounds(seed: int, offset: float, bins: int) -> None:
    rng = np.random.default_rng(seed)
    r, c = rng.normal(0, 1, 700), rng.normal(offset, 1.5, 500)
    # the profile grid spans the reference only: current values fall in the outer bins
    grid = FineGrid(float(r.min()), float(r.max()), bins)
    result = drift.distances_from_histogram(
        grid,
        fine_counts(grid, r),
        fine_counts(grid, c),
        lo=float(min(r.min(), c.min())),
        hi=float(max(r.max(), c.max())),
    )
    d = stats.ks_2samp(r, c, method="asymp").statistic
    assert result.method == "histogram"
    assert -1e-12 <= d - result.ks.statistic <= result.ks_bound + 1e-12
    w1 = stats.wasserstein_distance(r, c)
    assert abs(result.wasserstein - w1) <= result.wasserstein_bound + 1e-12


def test_exact_distances_give_a_p_value_only_where_ks_decides() -> None:
    """KS is the test up to 1,000 reference rows (scipy's asymptotic p-value); above, D is a
    distance and no p-value is computed (``ks_p_value``)."""
    small = drift.exact_distances(0.02, 0.3, 1_000, 15_000, 900)
    assert small.ks.p_value == pytest.approx(drift.ks_asymptotic_p_value(0.02, 1_000, 15_000))
    assert (small.method, small.ks_bound, small.n_unique) == ("exact", 0.0, 900)
    large = drift.exact_distances(0.02, 0.3, 20_000, 15_000)
    assert large.ks.p_value is None
    assert large.n_unique is None
    assert drift.default_test("numerical", 1_001, 50).name == "wasserstein"


# ------------------------------------------------------------------------- the report


def test_report_matches_scipy_and_evidentlys_rules() -> None:
    reference, current = windows()
    report = exact_report(reference, current)
    income = report.column("income")
    r, c = reference["income"], current["income"]
    assert income.test.name == "wasserstein"
    assert income.binned_by == "quantiles"
    assert income.wasserstein == pytest.approx(stats.wasserstein_distance(r, c), rel=1e-12)
    assert income.statistic == pytest.approx(stats.wasserstein_distance(r, c) / np.std(r))
    assert income.drifted
    assert income.p_value is None
    edges = report.profile.column("income").counts.edges
    shares = drift.bin_counts(edges, r) / r.size, drift.bin_counts(edges, c) / c.size
    assert income.js == pytest.approx(float(distance.jensenshannon(*shares)), abs=1e-12)
    visits = report.column("visits")
    assert visits.binned_by == "values"
    assert visits.test.name == "jensenshannon"
    assert visits.ks is not None
    assert visits.ks.statistic == pytest.approx(
        stats.ks_2samp(reference["visits"], current["visits"]).statistic
    )
    region = report.column("region")
    assert [b.value for b in region.bins] == ["apac", "eu", "latam", "us"]
    assert region.bins[2].reference == 0
    assert region.chi_square is not None
    assert math.isinf(region.chi_square.statistic)  # a category the reference never saw
    assert report.share_drifted == pytest.approx(1 / 3)
    assert not report.dataset_drift


def test_small_reference_uses_ks_chi_square_and_z() -> None:
    rng = np.random.default_rng(5)
    reference: dict[str, Any] = {
        "x": rng.normal(0, 1, 400),
        "k": rng.integers(0, 4, 400).astype(float),
        "flag": list(rng.choice(["no", "yes"], 400)),
    }
    current: dict[str, Any] = {
        "x": rng.normal(0.5, 1, 300),
        "k": rng.integers(0, 4, 300).astype(float),
        "flag": list(rng.choice(["no", "yes"], 300, p=[0.3, 0.7])),
    }
    profile = profile_of(reference)
    counts = current_of(profile, current)
    r, c = reference["x"], current["x"]
    values, index = np.unique(np.concatenate([r, c]), return_inverse=True)
    distances = {
        "x": drift.distances_from_values(
            values,
            np.bincount(index[: r.size], minlength=values.size),
            np.bincount(index[r.size :], minlength=values.size),
        )
    }
    report = drift.compare_windows(profile, counts, distances, current_rows=300)
    x, k, flag = report.column("x"), report.column("k"), report.column("flag")
    expected = stats.ks_2samp(r, c)
    assert (x.test.name, x.statistic, x.p_value) == ("ks", expected.statistic, expected.pvalue)
    assert x.drifted
    assert k.test.name == "chisquare"
    observed = np.array([b.current for b in k.bins])
    ref = np.array([b.reference for b in k.bins])
    scipy = stats.chisquare(observed, ref * observed.sum() / ref.sum())
    assert k.statistic == pytest.approx(scipy.statistic, rel=1e-12)
    assert k.p_value == pytest.approx(scipy.pvalue, rel=1e-9)
    assert flag.test.name == "z"
    yes_r = sum(v == "yes" for v in reference["flag"])
    yes_c = sum(v == "yes" for v in current["flag"])
    z = drift.two_proportion_z(yes_r, 400, yes_c, 300)
    assert (flag.statistic, flag.p_value) == (z.statistic, z.p_value)
    assert flag.drifted


def test_compare_windows_needs_every_column() -> None:
    reference, current = windows()
    profile = profile_of(reference)
    with pytest.raises(ValueError, match="no current counts for column 'income'"):
        drift.compare_windows(profile, {}, {}, current_rows=1)
    counts = current_of(profile, current)
    with pytest.raises(ValueError, match="needs KS and Wasserstein distances"):
        drift.compare_windows(profile, counts, {}, current_rows=1)


# ----------------------------------------------------------------- the stored profile


def test_profile_round_trips_through_json() -> None:
    reference, _ = windows()
    profile = profile_of(reference)
    profile = ReferenceProfile(
        profile.source,
        profile.rows,
        profile.columns,
        "approximate",
        time="ts",
        window=(date(2026, 1, 1), date(2026, 3, 31)),
    )
    document = json.loads(json.dumps(profile.to_json(), allow_nan=False))
    assert document["schema"] == "charter.drift.reference/v1"
    assert ReferenceProfile.from_json(document) == profile


def _broken(path: list[Any], value: Any) -> dict[str, Any]:
    reference, _ = windows()
    document = copy.deepcopy(profile_of(reference).to_json())
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["schema"], "charter.drift/v0", "schema is 'charter.drift/v0', expected"),
        (["rows"], _DELETE, "document has no 'rows'"),
        (["rows"], -1, "document.rows must be a non-negative integer"),
        (["quantiles"], "guessed", "quantiles must be 'exact' or 'approximate'"),
        (["window"], ["2026-01-01"], "window must be two ISO dates"),
        (["columns"], [], "columns is empty"),
        (["columns", 0, "kind"], "text", "kind must be 'numerical' or 'categorical'"),
        (["columns", 0, "edges"], [2.0, 1.0], "edges must be strictly increasing"),
        (["columns", 0, "bins"], [1, 2], "expected one more bin than edges"),
        (["columns", 0, "min"], "low", "must be a finite number"),
        (["columns", 0, "moments", "n"], 3, "moments must count its"),
        (["columns", 0, "fine", "counts", 0], [99_999, 1], "is off the grid"),
        (["rows"], 5, "column 'income' counts 3000 rows, the profile 5"),
        (["columns", 1, "values"], [[0.0, 1]], "values do not add up"),
        (["columns", 2, "values", 0], ["apac"], "must be [value, count] pairs"),
        (["columns", 2, "edges"], [1.0], "is categorical but has numeric data"),
        (["columns", 1, "name"], "income", "a column name appears twice"),
    ],
)
def test_a_broken_profile_is_rejected_with_a_clear_message(
    path: list[Any], value: Any, message: str
) -> None:
    with pytest.raises(ValueError, match="reference profile: ") as caught:
        ReferenceProfile.from_json(_broken(path, value))
    assert message in str(caught.value)


# --------------------------------------------------------------------------- renderers


def _document() -> dict[str, Any]:
    reference, current = windows()
    return drift_document(
        exact_report(reference, current),
        reference="reference.parquet",
        current="current.parquet",
        engine="duckdb",
    )


def test_drift_document_is_strict_json_with_shares_and_verdict() -> None:
    document = json.loads(json.dumps(_document(), allow_nan=False))
    assert document["schema"] == DRIFT_SCHEMA
    assert document["reference"] == {"source": "reference.parquet", "rows": 3000, "window": None}
    assert document["current"]["rows"] == 2000
    assert document["js_log_base"] == "e"
    assert document["psi_threshold"] == 0.2
    assert document["drifted_columns"] == ["income"]
    assert (document["drift_share"], document["dataset_drift"]) == (0.5, False)
    income, _, region = document["columns"]
    assert (income["test"], income["threshold"], income["decided_on"]) == (
        "wasserstein",
        0.1,
        "statistic",
    )
    assert income["method"] == "exact"
    assert income["error_bounds"] is None
    assert income["js_log_base"] == "e"
    assert sum(b["reference_share"] for b in income["bins"]) == pytest.approx(1.0)
    assert income["bins"][0]["label"].startswith("[-inf, ")
    assert region["chi_square"]["statistic"] is None  # infinite: a new category
    assert region["chi_square"]["p_value"] == 0.0
    assert [b["label"] for b in region["bins"]] == ["apac", "eu", "latam", "us"]


def test_bin_labels() -> None:
    assert bin_label(drift.BinShare(1, 2, lower=None, upper=0.5)) == "[-inf, 0.5)"
    assert bin_label(drift.BinShare(1, 2, lower=1.25, upper=None)) == "[1.25, +inf)"
    assert bin_label(drift.BinShare(1, 2, value=3.0)) == "3"
    assert bin_label(drift.BinShare(1, 2, value="eu")) == "eu"


def test_drift_table_lists_every_column_and_the_verdict() -> None:
    text = render_drift_table(_document())
    assert "reference reference.parquet (3,000 rows) against current current.parquet" in text
    for name in ("income", "visits", "region", "wasserstein", "jensenshannon", "DRIFT"):
        assert name in text
    assert "1 of 3 columns drifted (33%: income); dataset drift: no" in text


def test_drift_html_is_self_contained_with_psi_threshold_and_bin_charts() -> None:
    page = render_drift_html(_document())
    assert page.startswith("<!doctype html>")
    assert "<script" not in page
    assert "http" not in page.replace('lang="en"', "")
    assert page.count("<svg") == 3  # PSI, and the two numeric columns' bins
    assert "limit 0.2" in page
    assert 'stroke-dasharray="4 3"' in page
    assert "Share of rows per bin of income" in page
    assert "Share of rows per bin of region" not in page
