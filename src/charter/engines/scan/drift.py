"""Drift scans: a reference window and a current window compared column by column.

Every query returns a small table and ``charter.metrics`` computes every statistic from
them; nothing is sorted, on any engine. A scan of two windows takes three passes over each:

1. one row: rows, and per numeric column the non-missing count, minimum and maximum;
2. one ``GROUP BY`` per column, unioned into one query: numeric columns aggregated on a
   fine equal-width grid over the range of both windows (``metrics.fine_grid.GridTable``:
   per bin the count, the sum of the offsets from the bin's left edge and of their
   squares, the smallest and largest value; ``grid_bins`` bins), categorical columns
   counted per value;
3. the values of the few grid bins whose inside matters (``metrics.fine_grid``): where the
   two CDFs may cross (Wasserstein-1) or may exceed the largest gap seen at the bin ends
   (KS), where a reference decile falls, where an edge of the bins falls, and every bin of
   a numeric column with at most ``DISCRETE_MAX_UNIQUE`` distinct values (counted per
   value, as Evidently does). Up to ``SCIPY_KS_MAX_AUTO_N`` rows per window, every value
   comes back, so that KS gets scipy's exact p-value.

From those: exact deciles (numpy's linear interpolation), exact counts per bin, exact KS
and Wasserstein-1 (equal to ``scipy.stats.ks_2samp`` and ``wasserstein_distance``), the
moments (exact per grid bin) and a 10,000-bin histogram stored with the reference profile.
The same Ibis expressions run on DuckDB and Spark, so both engines give the same numbers;
only sums of floating-point offsets may differ in their last bits (summation order).

A stored profile alone (no reference rows) keeps its bins; KS and Wasserstein then come from
its 10,000-bin histogram, reported as ``"method": "histogram"`` with error bounds.

One union of ``GROUP BY`` per column costs one scan per column on DuckDB, each reading one
Parquet column; on two cores it was eight times faster than unpivoting the table into
(column, value) rows. Missing means NULL, NaN or infinite (Evidently drops them); the test is
``|x| <= max float``, because Ibis compiles ``isinf`` to ``FALSE`` on Spark and NaN compares
above every number on both engines. Nothing divides in the engine: Spark 4's ANSI mode
raises on division by zero.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from charter.domain.errors import InputError, InputProblem, Location
from charter.domain.scans import DriftSpec, Window
from charter.engines.scan.classification import group_key
from charter.engines.scan.inputs import ScanSource, problem, require_columns, run_on_engine
from charter.engines.scan.progress import ProgressReporter, tracked
from charter.metrics.drift import (
    DISCRETE_MAX_UNIQUE,
    FINE_HISTOGRAM_BINS,
    SCIPY_KS_MAX_AUTO_N,
    ColumnCounts,
    ColumnKind,
    ColumnProfile,
    CountKey,
    DriftReport,
    FineHistogram,
    Moments,
    NumericDistances,
    ReferenceProfile,
    compare_windows,
    distances_from_histogram,
    distances_from_values,
    evidently_edges,
    exact_distances,
    inner_edges_of,
    quantile_edges,
    quantile_levels,
    sorted_values,
)
from charter.metrics.fine_grid import (
    FineGrid,
    GridTable,
    GridValues,
    distance_bins,
    distinct_at_most,
    edge_bins,
    grid_bin_counts,
    grid_distances,
    grid_quantiles,
    grid_value_counts,
    quantile_ranks,
    rank_bins,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import numpy.typing as npt

GRID_ROWS_PER_BIN = 40
"""``grid_bins``: about this many rows per grid bin (both windows), in steps of 10,000 bins."""
MAX_GRID_BINS = 200_000
"""At most this many grid bins per column: the grid table of a window is at most this many
rows per numeric column, however large the window."""


def grid_bins(rows: int) -> int:
    """Grid bins for ``rows`` values: a multiple of the stored histogram's 10,000 bins."""
    steps = math.ceil(rows / (GRID_ROWS_PER_BIN * FINE_HISTOGRAM_BINS))
    return FINE_HISTOGRAM_BINS * min(max(steps, 1), MAX_GRID_BINS // FINE_HISTOGRAM_BINS)


@dataclass
class _Window:
    """What the passes over one window returned."""

    label: str
    table: ir.Table
    rows: int
    ranges: dict[str, tuple[int, float | None, float | None]]
    where: str
    grids: dict[str, GridTable] = field(default_factory=dict)
    categories: dict[str, ColumnCounts] = field(default_factory=dict)
    values: dict[str, GridValues] = field(default_factory=dict)
    strict: bool = True
    """An all-NULL column is an input error (a partition of a window may have one)."""

    def missing(self, name: str) -> int:
        return self.rows - self.ranges[name][0]


def reference_profile(
    source: ScanSource, spec: DriftSpec, progress: ProgressReporter | None = None
) -> ReferenceProfile:
    """Scan the reference window of ``source`` once into a storable ``ReferenceProfile``."""
    _check_spec(spec)
    require_columns(source, _roles(spec))
    kinds = _kinds(source, spec)
    windows = _start_windows([(source, "reference")], spec, progress)
    (reference,) = windows
    _scan(
        windows,
        spec,
        kinds,
        lambda name: [_reference_bins(reference.grids[name])],
        progress,
    )
    return _profile(source, reference, spec, kinds)


def window_counts(
    source: ScanSource,
    spec: DriftSpec,
    profile: ReferenceProfile,
    progress: ProgressReporter | None = None,
) -> dict[str, ColumnCounts]:
    """Counts of the current window of ``source`` on the profile's bins.

    The result is additive: the counts of two partitions, merged with
    ``ColumnCounts.merge``, are the counts of their union.
    """
    _check_spec(spec)
    require_columns(source, _roles(spec))
    _check_profile(profile, source, spec)
    _, counts = _current_counts(source, spec, profile, _kinds(source, spec), progress, strict=False)
    return counts


def drift_scan(
    reference: ScanSource | None,
    current: ScanSource,
    spec: DriftSpec,
    *,
    profile: ReferenceProfile | None = None,
    progress: ProgressReporter | None = None,
) -> DriftReport:
    """Compare the current window of ``current`` with the reference window.

    Without ``profile`` the reference window of ``reference`` is profiled in the same passes.
    With a stored profile, ``reference`` may be ``None``: bins come from the profile and KS
    and Wasserstein from its fine histogram (``"method": "histogram"``); Evidently binning
    needs the reference rows.
    """
    _check_spec(spec)
    if reference is not None:
        require_columns(reference, _roles(spec))
    require_columns(current, _roles(spec))
    if profile is None and reference is None:
        raise ValueError("drift_scan needs a reference source or a stored reference profile")
    if profile is not None:
        _check_profile(profile, current, spec)
    if spec.binning == "evidently" and reference is None:
        assert profile is not None
        raise problem(
            profile.source,
            "Evidently binning needs the reference rows (its edges span both windows): "
            "give the reference source as well as the stored profile",
        )
    kinds = _kinds(current, spec)
    if reference is None:
        assert profile is not None
        return _profile_only_scan(current, spec, profile, kinds, progress)
    windows = _start_windows([(reference, "reference"), (current, "current")], spec, progress)
    ref, cur = windows
    evidently = spec.binning == "evidently"
    sturges: dict[str, tuple[float, ...]] = {}

    def wanted(name: str) -> list[npt.NDArray[np.int64]]:
        column = None if profile is None else profile.column(name)
        if evidently and (column is None or not column.discrete):
            integer = reference.table[name].type().is_integer()
            sturges[name] = _sturges(ref, cur, name, integer)
        return list(_pair_bins(ref.grids[name], cur.grids[name], column, sturges.get(name)))

    _scan(windows, spec, kinds, wanted, progress)
    if profile is None:
        profile = _profile(reference, ref, spec, kinds)
    edges = {
        c.name: sturges.get(c.name, c.counts.edges)
        for c in profile.columns
        if c.kind == "numerical"
    }
    counts = _window_counts(cur, profile, edges)
    reference_counts = _window_counts(ref, profile, sturges, list(sturges)) if evidently else None
    distances = {
        name: _distances(ref, cur, name) for name in ref.grids if not profile.column(name).discrete
    }
    return compare_windows(
        profile,
        counts,
        distances,
        current_rows=cur.rows,
        binning=spec.binning,
        reference=reference_counts,
        time=spec.time,
        current_window=spec.current_window,
    )


def _pair_bins(
    r: GridTable, c: GridTable, column: ColumnProfile | None, sturges: tuple[float, ...] | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The grid bins whose values the reference and the current window must return for one
    numeric column, profiled now (``column`` None) or from a stored profile."""
    if column is None:
        discrete = distinct_at_most(r, DISCRETE_MAX_UNIQUE)
        need_r = _reference_bins(r)
        need_c = c.several_values() if discrete else _rank_range(r, c)
    else:
        discrete = column.discrete
        need_r = _none()
        need_c = c.several_values() if discrete else edge_bins(c, column.counts.edges)
    if discrete:
        return need_r, need_c
    if sturges is not None:
        need_r = np.union1d(need_r, edge_bins(r, sturges))
        need_c = np.union1d(need_c, edge_bins(c, sturges))
    if max(r.n, c.n) <= SCIPY_KS_MAX_AUTO_N:
        return np.union1d(need_r, r.several_values()), np.union1d(need_c, c.several_values())
    both = distance_bins(r, c)
    return np.union1d(need_r, both), np.union1d(need_c, both)


def _profile_only_scan(
    current: ScanSource,
    spec: DriftSpec,
    profile: ReferenceProfile,
    kinds: Mapping[str, ColumnKind],
    progress: ProgressReporter | None,
) -> DriftReport:
    """KS and Wasserstein against the stored profile's fine histograms."""
    fine = {}
    for column in profile.columns:
        if column.discrete:
            continue
        if column.fine is None:
            raise problem(profile.source, f"column '{column.name}' has no fine histogram")
        fine[column.name] = column.fine
    cur, counts = _current_counts(current, spec, profile, kinds, progress)
    found = _fine_counts(cur, {name: h.grid for name, h in fine.items()}, progress)
    distances = {}
    for name, histogram in fine.items():
        reference = profile.column(name).counts
        distances[name] = distances_from_histogram(
            histogram.grid,
            histogram.counts,
            found[name],
            lo=min(_bound(reference.minimum), _bound(counts[name].minimum)),
            hi=max(_bound(reference.maximum), _bound(counts[name].maximum)),
        )
    return compare_windows(
        profile,
        counts,
        distances,
        current_rows=cur.rows,
        binning=spec.binning,
        time=spec.time,
        current_window=spec.current_window,
    )


def _current_counts(
    source: ScanSource,
    spec: DriftSpec,
    profile: ReferenceProfile,
    kinds: Mapping[str, ColumnKind],
    progress: ProgressReporter | None,
    *,
    strict: bool = True,
) -> tuple[_Window, dict[str, ColumnCounts]]:
    windows = _start_windows([(source, "current")], spec, progress, strict=strict)
    (current,) = windows

    def wanted(name: str) -> list[npt.NDArray[np.int64]]:
        table, column = current.grids[name], profile.column(name)
        if column.discrete:
            return [table.several_values()]
        return [edge_bins(table, column.counts.edges)]

    _scan(windows, spec, kinds, wanted, progress)
    edges = {c.name: c.counts.edges for c in profile.columns if c.kind == "numerical"}
    return current, _window_counts(current, profile, edges)


# ------------------------------------------------------------------- from tables to counts


def _none() -> npt.NDArray[np.int64]:
    return np.zeros(0, dtype=np.int64)


def _grid(windows: Sequence[_Window], name: str) -> FineGrid:
    """The grid of a numeric column over the range of every window together."""
    ranges = [window.ranges[name] for window in windows]
    lo = min(_bound(low) for _, low, _ in ranges)
    hi = max(_bound(high) for _, _, high in ranges)
    return FineGrid.over(lo, hi, grid_bins(sum(n for n, _, _ in ranges)))


def _bound(value: float | None) -> float:
    if value is None:
        raise ValueError("a numeric column without values has no range")
    return value


def _reference_bins(table: GridTable) -> npt.NDArray[np.int64]:
    """Bins the reference profile needs: every bin of a few-valued column, else the bins
    around the deciles."""
    if distinct_at_most(table, DISCRETE_MAX_UNIQUE):
        return table.several_values()
    return _rank_range(table, table)


def _rank_range(reference: GridTable, table: GridTable) -> npt.NDArray[np.int64]:
    """Bins of ``table`` where a reference decile can fall, and their neighbours: a decile
    lies between two consecutive order statistics, so in their bins or between them."""
    levels = quantile_levels()
    if not levels:
        return _none()
    ranks, _ = quantile_ranks(reference.n, levels)
    bins = rank_bins(reference, ranks)
    k, last = len(levels), reference.grid.bins - 1
    spans = [
        np.arange(max(lo - 1, 0), min(hi + 1, last) + 1)
        for lo, hi in zip(bins[:k], bins[k:], strict=True)
    ]
    return np.intersect1d(np.unique(np.concatenate(spans)), table.several_values())


def _sturges(reference: _Window, current: _Window, name: str, integer: bool) -> tuple[float, ...]:
    """Evidently's inner edges over both windows (``evidently_edges``)."""
    n_r, lo_r, hi_r = reference.ranges[name]
    n_c, lo_c, hi_c = current.ranges[name]
    integer = integer and reference.missing(name) == 0 and current.missing(name) == 0
    edges = evidently_edges(
        min(_bound(lo_r), _bound(lo_c)), max(_bound(hi_r), _bound(hi_c)), n_r + n_c, integer=integer
    )
    return tuple(float(e) for e in inner_edges_of(edges))


def _mean(table: GridTable) -> float:
    total, _ = table.moments(table.grid.lo)
    return table.grid.lo + total / table.n


def _profile(
    source: ScanSource, window: _Window, spec: DriftSpec, kinds: Mapping[str, ColumnKind]
) -> ReferenceProfile:
    columns = []
    for name in spec.columns:
        if kinds[name] == "categorical":
            counts = window.categories[name]
            columns.append(ColumnProfile(name, counts, len(counts.values)))
            continue
        table, values = window.grids[name], window.values[name]
        integer = source.table[name].type().is_integer()
        shift = _mean(table)
        if distinct_at_most(table, DISCRETE_MAX_UNIQUE):
            keys, tally = grid_value_counts(table, values)
            if keys.size <= DISCRETE_MAX_UNIQUE:
                counts = _numeric_counts(window, name, (), shift, (keys, tally))
                columns.append(ColumnProfile(name, counts, int(keys.size), integer=integer))
                continue
        edges = quantile_edges(list(grid_quantiles(table, values, quantile_levels())))
        fine = FineHistogram(
            FineGrid(table.grid.lo, table.grid.hi, FINE_HISTOGRAM_BINS),
            (0, *table.coarsen(FINE_HISTOGRAM_BINS).tolist(), 0),
        )
        counts = _numeric_counts(window, name, edges, shift)
        columns.append(ColumnProfile(name, counts, None, integer=integer, fine=fine))
    return ReferenceProfile(
        source=source.name,
        rows=window.rows,
        columns=tuple(columns),
        quantiles="exact",
        time=spec.time,
        window=spec.reference_window,
    )


def _numeric_counts(
    window: _Window,
    name: str,
    edges: Sequence[float],
    shift: float,
    per_value: tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]] | None = None,
) -> ColumnCounts:
    table, values = window.grids[name], window.values.get(name, GridValues.none())
    bins = grid_bin_counts(table, values, edges) if edges else np.array([table.n])
    total, squares = table.moments(shift)
    listed: tuple[tuple[CountKey, int], ...] = ()
    if per_value is not None:
        listed = sorted_values({float(k): int(c) for k, c in zip(*per_value, strict=True)})
    return ColumnCounts(
        "numerical",
        window.rows,
        window.missing(name),
        tuple(float(e) for e in edges),
        tuple(int(b) for b in bins),
        listed,
        table.minimum,
        table.maximum,
        Moments(table.n, shift, total, squares),
    )


def _window_counts(
    window: _Window,
    profile: ReferenceProfile,
    edges: Mapping[str, Sequence[float]],
    names: Sequence[str] | None = None,
) -> dict[str, ColumnCounts]:
    """Counts of every profiled column (or of ``names``) on ``edges``."""
    result = {}
    for column in profile.columns:
        name = column.name
        if names is not None and name not in names:
            continue
        if column.kind == "categorical":
            result[name] = window.categories[name]
            continue
        moments = column.counts.moments
        shift = 0.0 if moments is None else moments.shift
        if name not in window.grids:  # NULL in every row of this part of a window
            width = 1 if column.discrete else len(edges[name]) + 1
            result[name] = ColumnCounts(
                "numerical",
                window.rows,
                window.rows,
                () if column.discrete else tuple(edges[name]),
                (0,) * width,
                moments=Moments(0, shift, 0.0, 0.0),
            )
        elif column.discrete:
            per_value = grid_value_counts(window.grids[name], window.values[name])
            result[name] = _numeric_counts(window, name, (), shift, per_value)
        else:
            result[name] = _numeric_counts(window, name, edges[name], shift)
    return result


def _distances(reference: _Window, current: _Window, name: str) -> NumericDistances:
    """Exact KS and W1: from counts per value up to scipy's exact-KS size, else on the grid."""
    r, c = reference.grids[name], current.grids[name]
    values_r, values_c = reference.values[name], current.values[name]
    if max(r.n, c.n) <= SCIPY_KS_MAX_AUTO_N:
        keys_r, counts_r = grid_value_counts(r, values_r)
        keys_c, counts_c = grid_value_counts(c, values_c)
        keys = np.union1d(keys_r, keys_c)
        per_r, per_c = np.zeros(keys.size, np.int64), np.zeros(keys.size, np.int64)
        per_r[np.searchsorted(keys, keys_r)] = counts_r
        per_c[np.searchsorted(keys, keys_c)] = counts_c
        return distances_from_values(keys, per_r, per_c)
    statistic, wasserstein = grid_distances(r, c, values_r, values_c)
    return exact_distances(statistic, wasserstein, r.n, c.n)


# --------------------------------------------------------------------------------- passes


def _fetch(label: str, expression: ir.Table, progress: ProgressReporter | None) -> Any:
    """The result of ``expression`` as an Arrow table."""
    return run_on_engine(label, lambda: tracked(expression, progress).to_pyarrow())


def _finite(column: ir.Column) -> tuple[ir.FloatingValue, ir.BooleanValue]:
    """The column as float64 and whether a row holds a value (not NULL, NaN or infinite;
    integers can only be NULL). Rows of ``table.filter(valid)`` need no further check."""
    x = column.cast("float64")
    if column.type().is_integer():
        return x, column.notnull()
    return x, x.notnull() & (x.abs() <= sys.float_info.max)


def _grid_cell(x: ir.FloatingValue, grid: FineGrid) -> tuple[ir.IntegerValue, ir.FloatingValue]:
    """``FineGrid.index`` and the offset from the bin's left edge (``FineGrid.left``), with
    the same floating-point steps as numpy."""
    import ibis

    position = (x - grid.lo) * grid.scale
    index = ibis.least(position.floor(), grid.bins - 1).cast("int64")
    return index, x - (grid.lo + index.cast("float64") * grid.width)


Build: TypeAlias = "Callable[[_Window, int], tuple[list[ir.Table], int]]"
"""A pass over one window: its union parts, numbered from the given ``part``, and how many
part numbers they use."""


def _run(
    windows: Sequence[_Window], build: Build, progress: ProgressReporter | None
) -> list[list[dict[str, Any]]]:
    """Run a pass over every window, per window the rows of each of its parts. Windows on
    one connection share one query: DuckDB then keeps both cores busy even on a Parquet
    file of one row group, which it reads on one thread (0.70 s instead of 0.94 s for the
    grid tables of two 1M-row windows)."""
    import ibis

    groups: dict[int, list[int]] = {}
    for k, window in enumerate(windows):
        groups.setdefault(id(_backend(window.table)), []).append(k)
    results: list[list[dict[str, Any]]] = [[] for _ in windows]
    for members in groups.values():
        parts: list[ir.Table] = []
        spans: list[tuple[int, int]] = []
        for k in members:
            start = spans[-1][1] if spans else 0
            mine, used = build(windows[k], start)
            spans.append((start, start + used))
            parts += mine
        total = spans[-1][1]
        if not parts:
            continue
        labels = dict.fromkeys(windows[k].label for k in members)
        expression = ibis.union(*parts) if len(parts) > 1 else parts[0]
        found = _split(_fetch(" and ".join(labels), expression, progress), total)
        for k, (start, end) in zip(members, spans, strict=True):
            results[k] = found[start:end]
    return results


def _backend(table: ir.Table) -> Any:
    return table._find_backend()  # ibis has no public accessor


def _start_windows(
    sources: Sequence[tuple[ScanSource, str]],
    spec: DriftSpec,
    progress: ProgressReporter | None,
    *,
    strict: bool = True,
) -> list[_Window]:
    """The (source, role) windows with their row counts; an empty window is an input error."""
    import ibis

    windows = []
    for source, role in sources:
        period = spec.reference_window if role == "reference" else spec.current_window
        table, where = _windowed(source, spec.time, period, role)
        windows.append(_Window(source.name, table, 0, {}, where, strict=strict))

    def build(window: _Window, part: int) -> tuple[list[ir.Table], int]:
        table = window.table
        return [table.aggregate(part=ibis.literal(part, "int64"), rows=table.count())], 1

    for window, found in zip(windows, _run(windows, build, progress), strict=True):
        (row,) = found
        window.rows = int(row["rows"][0]) if len(row["rows"]) else 0
        if window.rows == 0:
            raise problem(window.label, f"has no rows{window.where}")
    return windows


def _scan(
    windows: Sequence[_Window],
    spec: DriftSpec,
    kinds: Mapping[str, ColumnKind],
    wanted: Callable[[str], list[npt.NDArray[np.int64]]],
    progress: ProgressReporter | None,
) -> None:
    """Fill each window's ranges, grid tables, values and categorical counts. ``wanted``
    names, per window, the grid bins of a numeric column whose values are needed, once its
    grid tables are known (the grid spans every window's range)."""
    numeric = [c for c in spec.columns if kinds[c] == "numerical"]
    if _local(windows):
        _scan_locally(windows, numeric, wanted, progress)
        _aggregate(windows, {}, kinds, spec, progress)
        return
    _measure(windows, numeric, progress)
    grids = {name: _grid(windows, name) for name in numeric if _has_values(windows, name)}
    _aggregate(windows, grids, kinds, spec, progress)
    asked: list[dict[str, npt.NDArray[np.int64]]] = [{} for _ in windows]
    for name in grids:
        for per_window, bins in zip(asked, wanted(name), strict=True):
            per_window[name] = bins
    _fetch_values(windows, grids, asked, progress)


def _has_values(windows: Sequence[_Window], name: str) -> bool:
    """Every window has a value of the column (a part of a window may not; then the column
    is counted as all missing there)."""
    for window in windows:
        if window.ranges[name][0] == 0:
            if window.strict:
                raise problem(window.label, f"column '{name}' is NULL in every row{window.where}")
            return False
    return True


LOCAL_MAX_ROWS = 20_000_000
"""Windows of at most this many rows on an in-process DuckDB are scanned locally: their
numeric columns come over as Arrow (zero-copy, a few columns at a time) and numpy builds the
same grid tables the engine would (``GridTable.from_values``), with the values of the
wanted bins at hand. On two cores this took 0.8 s for 1M + 1M rows x 20 columns, against
1.9 s for the three engine passes. Larger windows, and every other engine, aggregate in
the engine."""
LOCAL_VALUES = 32_000_000
"""Values per window held at once by the local scan (256 MB of float64)."""


def _local(windows: Sequence[_Window]) -> bool:
    return all(_backend(w.table).name == "duckdb" and w.rows <= LOCAL_MAX_ROWS for w in windows)


def _scan_locally(
    windows: Sequence[_Window],
    numeric: Sequence[str],
    wanted: Callable[[str], list[npt.NDArray[np.int64]]],
    progress: ProgressReporter | None,
) -> None:
    """Fetch a few numeric columns of every window at a time and aggregate them in numpy."""
    step = max(1, LOCAL_VALUES // max(w.rows for w in windows))
    for start in range(0, len(numeric), step):
        group = numeric[start : start + step]
        columns = []
        for window in windows:
            table = window.table
            expression = table.select(*[table[name].cast("float64").name(name) for name in group])
            columns.append(_fetch(window.label, expression, progress))
        fetched = list(columns)
        with ThreadPoolExecutor(LOCAL_THREADS) as pool:  # numpy releases the GIL
            jobs = [
                pool.submit(_aggregate_locally, windows, fetched, name, wanted) for name in group
            ]
            for job in jobs:
                job.result()  # raises what the column raised


LOCAL_THREADS = 2
"""Columns aggregated at once by the local scan (numpy's array operations run in parallel)."""


def _aggregate_locally(
    windows: Sequence[_Window],
    columns: Sequence[Any],
    name: str,
    wanted: Callable[[str], list[npt.NDArray[np.int64]]],
) -> None:
    samples = []
    for window, arrow in zip(windows, columns, strict=True):
        x = arrow.column(name).to_numpy(zero_copy_only=False)  # NULL as NaN
        finite = np.isfinite(x)
        if not finite.all():
            x = x[finite]
        bounds = (float(x.min()), float(x.max())) if x.size else (None, None)
        window.ranges[name] = (int(x.size), *bounds)
        samples.append(x)
    if not _has_values(windows, name):
        return
    grid = _grid(windows, name)
    indexes = []
    for window, x in zip(windows, samples, strict=True):
        cells = grid.cells(x)
        window.grids[name] = GridTable.from_values(grid, x, cells)
        indexes.append(cells[0])
    for window, x, index, bins in zip(windows, samples, indexes, wanted(name), strict=True):
        window.values[name] = GridValues.select(x, grid, bins, index)


def _measure(
    windows: Sequence[_Window], numeric: Sequence[str], progress: ProgressReporter | None
) -> None:
    """Pass 1 in the engine: the non-missing count and range of each numeric column."""
    import ibis

    def build(window: _Window, part: int) -> tuple[list[ir.Table], int]:
        table = window.table
        measures: dict[str, Any] = {"part": ibis.literal(part, "int64"), "rows": table.count()}
        for i, name in enumerate(numeric):
            x, valid = _finite(table[name])
            value = ibis.ifelse(valid, x, ibis.null("float64"))  # faster than filtered aggregates
            measures[f"n{i}"] = value.count()
            measures[f"lo{i}"] = value.min()
            measures[f"hi{i}"] = value.max()
        return [table.aggregate(**measures)], 1

    if not numeric:
        return
    for window, found in zip(windows, _run(windows, build, progress), strict=True):
        (row,) = found
        for i, name in enumerate(numeric):
            n = int(row[f"n{i}"][0])
            bounds = (float(row[f"lo{i}"][0]), float(row[f"hi{i}"][0])) if n else (None, None)
            window.ranges[name] = (n, *bounds)


def _aggregate(
    windows: Sequence[_Window],
    grids: Mapping[str, FineGrid],
    kinds: Mapping[str, ColumnKind],
    spec: DriftSpec,
    progress: ProgressReporter | None,
) -> None:
    """Pass 2: per window, the grid table of every numeric column with values and the
    counts per value of every categorical column: one ``GROUP BY`` per column."""
    import ibis

    categorical = [c for c in spec.columns if kinds[c] == "categorical"]

    def build(window: _Window, part: int) -> tuple[list[ir.Table], int]:
        table = window.table
        parts = []
        numeric = list(grids)
        for i, name in enumerate(numeric):
            x, valid = _finite(table[name])
            index, offset = _grid_cell(x, grids[name])
            cells = table.filter(valid).select(bin=index, offset=offset, x=x)
            grouped = cells.group_by("bin").aggregate(
                n=cells.count(),
                offsets=cells.offset.sum(),
                squares=(cells.offset * cells.offset).sum(),
                lo=cells.x.min(),
                hi=cells.x.max(),
            )
            parts.append(
                grouped.select(
                    part=ibis.literal(part + i, "int64"),
                    label=ibis.null("string"),
                    bin=grouped.bin,
                    n=grouped.n,
                    offsets=grouped.offsets,
                    squares=grouped.squares,
                    lo=grouped.lo,
                    hi=grouped.hi,
                )
            )
        for j, name in enumerate(categorical, start=part + len(numeric)):
            keyed = table.select(label=group_key(table[name]))
            counted = keyed.group_by("label").aggregate(n=keyed.count())
            parts.append(
                counted.select(
                    part=ibis.literal(j, "int64"),
                    label=counted.label,
                    bin=ibis.null("int64"),
                    n=counted.n,
                    offsets=ibis.null("float64"),
                    squares=ibis.null("float64"),
                    lo=ibis.null("float64"),
                    hi=ibis.null("float64"),
                )
            )
        return parts, len(parts)

    for window, found in zip(windows, _run(windows, build, progress), strict=True):
        numeric = list(grids)
        for rows, name in zip(found, numeric, strict=False):
            window.grids[name] = GridTable.from_rows(
                grids[name],
                rows["bin"],
                rows["n"],
                rows["offsets"],
                rows["squares"],
                rows["lo"],
                rows["hi"],
            )
        for rows, name in zip(found[len(numeric) :], categorical, strict=True):
            values: dict[CountKey, int] = {}
            missing = 0
            for label, n in zip(rows["label"], rows["n"], strict=True):
                if label is None:
                    missing += int(n)
                else:
                    values[label] = int(n)
            if not values and window.strict:
                raise problem(window.label, f"column '{name}' is NULL in every row{window.where}")
            window.categories[name] = ColumnCounts(
                "categorical", sum(values.values()) + missing, missing, values=sorted_values(values)
            )


def _split(result: Any, parts: int) -> list[dict[str, Any]]:
    """Rows of a union per ``part``: numpy arrays (NULL as 0) and, for labels, objects."""
    import pyarrow.compute as pc

    part = result.column("part").to_numpy()
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(parts + 1))
    columns: dict[str, Any] = {}
    for name in result.column_names:
        if name == "label":
            columns[name] = np.array(result.column(name).to_pylist(), dtype=object)[order]
        elif name != "part":
            columns[name] = pc.fill_null(result.column(name), 0).to_numpy()[order]
    return [
        {name: data[bounds[i] : bounds[i + 1]] for name, data in columns.items()}
        for i in range(parts)
    ]


def _fetch_values(
    windows: Sequence[_Window],
    grids: Mapping[str, FineGrid],
    wanted: Sequence[Mapping[str, npt.NDArray[np.int64]]],
    progress: ProgressReporter | None,
) -> None:
    """Pass 3: per window, the values of its wanted grid bins: the union of the columns'
    (part, bin, value) rows semi-joined with the wanted (part, bin) pairs (a literal ``IN``
    list of a few thousand bins was eight times slower on DuckDB)."""
    import ibis
    import pyarrow as pa

    asked = {id(window): bins for window, bins in zip(windows, wanted, strict=True)}

    def names_of(window: _Window) -> list[str]:
        return [name for name, bins in asked[id(window)].items() if bins.size]

    def build(window: _Window, part: int) -> tuple[list[ir.Table], int]:
        names = names_of(window)
        if not names:
            return [], 0
        table, bins = window.table, asked[id(window)]
        parts = []
        for i, name in enumerate(names):
            x, valid = _finite(table[name])
            index, _ = _grid_cell(x, grids[name])
            parts.append(
                table.filter(valid).select(part=ibis.literal(part + i, "int64"), bin=index, x=x)
            )
        cells = ibis.union(*parts) if len(parts) > 1 else parts[0]
        keys = ibis.memtable(
            pa.table(
                {
                    "part": np.repeat(
                        np.arange(part, part + len(names), dtype=np.int64),
                        [bins[n].size for n in names],
                    ),
                    "bin": np.concatenate([bins[name] for name in names]).astype(np.int64),
                }
            )
        )
        return [cells.semi_join(keys, ["part", "bin"])], len(names)

    for window, found in zip(windows, _run(windows, build, progress), strict=True):
        window.values.update({name: GridValues.none() for name in asked[id(window)]})
        for rows, name in zip(found, names_of(window), strict=True):
            window.values[name] = GridValues.of(rows["bin"], rows["x"])


def _fine_counts(
    window: _Window, grids: Mapping[str, FineGrid], progress: ProgressReporter | None
) -> dict[str, list[int]]:
    """Counts on each column's stored ``FineGrid`` (``bins + 2``, the open outer bins
    included)."""
    if not grids:
        return {}
    import ibis

    table = window.table
    parts = []
    for i, (name, grid) in enumerate(grids.items()):
        x, valid = _finite(table[name])
        inside = ((x.clip(lower=grid.lo, upper=grid.hi) - grid.lo) * grid.scale).floor()
        index = ibis.cases(
            (x < grid.lo, -1),
            (x > grid.hi, grid.bins),
            else_=ibis.least(inside, grid.bins - 1),
        )
        cells = table.filter(valid).select(bin=index.cast("int64"))
        counted = cells.group_by("bin").aggregate(n=cells.count())
        parts.append(counted.select(part=ibis.literal(i, "int64"), bin=counted.bin, n=counted.n))
    found = _split(
        _fetch(window.label, ibis.union(*parts) if len(parts) > 1 else parts[0], progress),
        len(grids),
    )
    result = {}
    for i, (name, grid) in enumerate(grids.items()):
        counts = np.zeros(grid.bins + 2, dtype=np.int64)
        np.add.at(counts, found[i]["bin"] + 1, found[i]["n"])
        result[name] = [int(c) for c in counts]
    return result


# ------------------------------------------------------------------------ spec and windows


def _check_spec(spec: DriftSpec) -> None:
    problems = []
    if not spec.columns:
        problems.append(InputProblem(Location("--columns"), "name at least one column"))
    if len(set(spec.columns)) != len(spec.columns):
        problems.append(InputProblem(Location("--columns"), "a column is listed twice"))
    for name in spec.categorical:
        if name not in spec.columns:
            problems.append(
                InputProblem(Location("--categorical"), f"'{name}' is not one of the columns")
            )
    if spec.binning not in ("charter", "evidently"):
        problems.append(
            InputProblem(Location("--binning"), f"'{spec.binning}' is not charter or evidently")
        )
    for role, window in (("reference", spec.reference_window), ("current", spec.current_window)):
        if window is None:
            continue
        if spec.time is None:
            problems.append(
                InputProblem(Location(f"--{role}-window"), "a window needs a time column")
            )
        if window[1] < window[0]:
            problems.append(
                InputProblem(
                    Location(f"--{role}-window"), f"{_window_text(window)} ends before it starts"
                )
            )
    if problems:
        raise InputError(problems)


def _roles(spec: DriftSpec) -> dict[str, str | None]:
    roles: dict[str, str | None] = {f"--columns {c}": c for c in spec.columns}
    roles["--time"] = spec.time
    return roles


def _windowed(
    source: ScanSource, time_column: str | None, window: Window | None, role: str
) -> tuple[ir.Table, str]:
    """The rows of ``window`` and the words errors use for it (empty without a window)."""
    if time_column is None or window is None:
        return source.table, ""
    import ibis

    start = datetime.combine(window[0], time.min)
    end = datetime.combine(window[1] + timedelta(days=1), time.min)
    stamp = source.table[time_column].cast("timestamp")
    table = source.table.filter((stamp >= ibis.timestamp(start)) & (stamp < ibis.timestamp(end)))
    return table, f" in the {role} window {_window_text(window)} (time column '{time_column}')"


def _window_text(window: Window) -> str:
    return f"{window[0].isoformat()}/{window[1].isoformat()}"


def _kinds(source: ScanSource, spec: DriftSpec) -> dict[str, ColumnKind]:
    kinds: dict[str, ColumnKind] = {}
    for name in spec.columns:
        dtype = source.table[name].type()
        numeric = dtype.is_numeric() and not dtype.is_boolean() and name not in spec.categorical
        kinds[name] = "numerical" if numeric else "categorical"
    return kinds


def _check_profile(profile: ReferenceProfile, source: ScanSource, spec: DriftSpec) -> None:
    kinds = _kinds(source, spec)
    problems = []
    for name in spec.columns:
        if name not in profile.names:
            problems.append(
                InputProblem(
                    Location(profile.source), f"the reference profile has no column '{name}'"
                )
            )
        elif profile.column(name).kind != kinds[name]:
            problems.append(
                InputProblem(
                    Location(source.name),
                    f"column '{name}' is {kinds[name]} here but "
                    f"{profile.column(name).kind} in the reference profile",
                )
            )
    if problems:
        raise InputError(problems)
