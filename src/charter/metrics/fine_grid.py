"""Exact order statistics, bin counts, KS and Wasserstein-1 from a fine grid, without a sort.

Sorting is what makes exact KS and Wasserstein-1 slow (numpy sorts a million doubles in
about 50 ms, and a drift report sorts every numeric column of both windows) and what some
engines cannot do at scale (Spark moves every row to one partition for a global order).
Instead, the engine aggregates each sample on a fine equal-width grid over the range of
both samples together (``GridTable``: per bin the count, the sum of each value's offset
from the bin's left edge and of its square, the smallest and the largest value) and, in a
second small query, returns the values of the few bins whose inside matters
(``GridValues``). From those two tables, exactly (up to floating-point summation order):

- both empirical CDFs at every grid edge (cumulative counts);
- Wasserstein-1 ``= integral |F_r - F_c| dx``. Inside a bin ``F_r - F_c`` lies between
  ``F_r(start) - F_c(end)`` and ``F_r(end) - F_c(start)``; when those bounds share a sign,
  ``integral |F_r - F_c| = |integral (F_r - F_c)|`` and the offsets give the integral:
  ``integral over [a, b) of F = (count before + count in bin) (b - a) / n - sum(x - a) / n``.
  Only bins whose bounds straddle zero are opened;
- the KS statistic ``D = max |F_r - F_c|`` over the data points: its values at the bin ends
  are attained, so their maximum is a lower bound; only a bin whose bound exceeds it is
  opened;
- a bin holding one distinct value (smallest = largest) never needs opening;
- the order statistic of rank ``k`` lies in the bin where the cumulative count passes ``k``,
  so quantiles (numpy's linear interpolation) need the values of one or two bins each;
- the count of values below an edge ``e`` is the cumulative count before ``e``'s bin plus
  the values of that bin below ``e`` (the neighbouring bins are opened too, so a value that
  rounding put on the other side of a grid edge is still counted right).

Grid rule (the engine computes exactly this, in IEEE doubles; see ``FineGrid``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class FineGrid:
    """``bins`` equal-width bins over ``[lo, hi]``.

    A value ``x`` in ``[lo, hi]`` goes to bin ``min(floor((x - lo) * scale), bins - 1)``;
    histograms of values outside (``FineHistogram`` of a stored profile) add one open bin
    on either side: index ``-1`` below ``lo`` and ``bins`` above ``hi``. The engine
    multiplies by ``scale`` (it never divides). Bin ``j`` starts at ``left(j) = lo + j *
    width``; rounding can put a value within a few ulp of a grid edge on either side of it,
    which every computation here tolerates.
    """

    lo: float
    hi: float
    bins: int = 10_000

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lo) and math.isfinite(self.hi) and self.lo < self.hi):
            raise ValueError(f"a fine grid needs finite lo < hi, got [{self.lo}, {self.hi}]")
        if self.bins < 1:
            raise ValueError(f"a fine grid needs at least one bin, got {self.bins}")

    @classmethod
    def over(cls, lo: float, hi: float, bins: int) -> FineGrid:
        """A grid over ``[lo, hi]``, widened to one unit when every value is ``lo``."""
        return cls(lo, hi if hi > lo else lo + 1.0, bins if hi > lo else 1)

    @property
    def scale(self) -> float:
        """Bins per unit of ``x``."""
        return self.bins / (self.hi - self.lo)

    @property
    def width(self) -> float:
        return (self.hi - self.lo) / self.bins

    def edges(self) -> FloatArray:
        """The ``bins + 1`` grid edges."""
        steps = np.arange(self.bins + 1, dtype=np.float64)
        edges: FloatArray = self.lo + (self.hi - self.lo) * steps / self.bins
        edges[-1] = self.hi
        return edges

    def cells(self, x: FloatArray) -> tuple[IntArray, FloatArray]:
        """``index(x)`` and each value's offset ``x - left(index)``, in as few passes over
        ``x`` as numpy allows (the local scan runs this on every value)."""
        work = x - self.lo
        work *= self.scale
        np.floor(work, out=work)
        np.clip(work, 0, self.bins - 1, out=work)
        index: IntArray = work.astype(np.int64)
        work *= self.width  # left(index) = lo + index * width, the engine's steps
        work += self.lo
        np.subtract(x, work, out=work)
        return index, work

    def left(self, index: npt.ArrayLike) -> FloatArray:
        """Left edge of each bin, as the engine computes it (``lo + index * width``)."""
        left: FloatArray = self.lo + np.asarray(index, dtype=np.float64) * self.width
        return left

    def index(self, x: npt.ArrayLike) -> IntArray:
        """Bin of each value of ``x`` (in ``[lo, hi]``; values outside are clipped)."""
        position = np.asarray((np.asarray(x, dtype=np.float64) - self.lo) * self.scale)
        if position.ndim:  # in place: this runs on every value of a locally scanned column
            np.floor(position, out=position)
            np.clip(position, 0, self.bins - 1, out=position)
        else:
            position = np.clip(np.floor(position), 0, self.bins - 1)
        index: IntArray = position.astype(np.int64)
        return index


@dataclass(frozen=True, eq=False)
class GridTable:
    """One sample aggregated on a ``FineGrid``; tables of partitions of a sample add up.

    Per bin: ``counts``, ``offsets`` (sum of ``x - left(bin)``), ``offset_squares``,
    ``minima`` and ``maxima`` (``+inf``/``-inf`` in empty bins).
    """

    grid: FineGrid
    counts: IntArray
    offsets: FloatArray
    offset_squares: FloatArray
    minima: FloatArray
    maxima: FloatArray

    @classmethod
    def from_rows(
        cls,
        grid: FineGrid,
        bins: npt.ArrayLike,
        counts: npt.ArrayLike,
        offsets: npt.ArrayLike,
        offset_squares: npt.ArrayLike,
        minima: npt.ArrayLike,
        maxima: npt.ArrayLike,
    ) -> GridTable:
        """From the engine's rows (one per non-empty bin; a bin may repeat across parts)."""
        index = np.asarray(bins, dtype=np.int64)
        if index.size and (index.min() < 0 or index.max() >= grid.bins):
            raise ValueError(f"bin index outside the grid's {grid.bins} bins")
        table = cls.empty(grid)
        # bincount sums repeated bins; counts stay exact below 2**53
        summed = np.bincount(index, np.asarray(counts, dtype=np.float64), grid.bins)
        table.counts[:] = summed.astype(np.int64)
        table.offsets[:] = np.bincount(index, np.asarray(offsets, dtype=np.float64), grid.bins)
        table.offset_squares[:] = np.bincount(
            index, np.asarray(offset_squares, dtype=np.float64), grid.bins
        )
        np.minimum.at(table.minima, index, np.asarray(minima, dtype=np.float64))
        np.maximum.at(table.maxima, index, np.asarray(maxima, dtype=np.float64))
        return table

    @classmethod
    def from_values(
        cls,
        grid: FineGrid,
        x: npt.ArrayLike,
        cells: tuple[IntArray, FloatArray] | None = None,
    ) -> GridTable:
        """The engine's aggregation, in numpy (``cells``: ``grid.cells(x)``, if known)."""
        values = np.asarray(x, dtype=np.float64)
        index, offsets = grid.cells(values) if cells is None else cells
        table = cls.empty(grid)
        table.counts[:] = np.bincount(index, minlength=grid.bins)
        table.offsets[:] = np.bincount(index, offsets, grid.bins)
        table.offset_squares[:] = np.bincount(index, offsets * offsets, grid.bins)
        np.minimum.at(table.minima, index, values)
        np.maximum.at(table.maxima, index, values)
        return table

    @classmethod
    def empty(cls, grid: FineGrid) -> GridTable:
        return cls(
            grid,
            np.zeros(grid.bins, dtype=np.int64),
            np.zeros(grid.bins),
            np.zeros(grid.bins),
            np.full(grid.bins, np.inf),
            np.full(grid.bins, -np.inf),
        )

    def merge(self, other: GridTable) -> GridTable:
        if other.grid != self.grid:
            raise ValueError("only tables on the same grid add up")
        return GridTable(
            self.grid,
            self.counts + other.counts,
            self.offsets + other.offsets,
            self.offset_squares + other.offset_squares,
            np.minimum(self.minima, other.minima),
            np.maximum(self.maxima, other.maxima),
        )

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    @property
    def minimum(self) -> float:
        return float(self.minima.min())

    @property
    def maximum(self) -> float:
        return float(self.maxima.max())

    def moments(self, shift: float) -> tuple[float, float]:
        """``sum (x - shift)`` and ``sum (x - shift)^2``, exact per bin:
        ``x - shift = (left - shift) + offset``."""
        used = self.counts > 0
        base = self.grid.left(np.flatnonzero(used)) - shift
        n, offsets = self.counts[used], self.offsets[used]
        total = float(np.sum(n * base) + np.sum(offsets))
        squares = float(
            np.sum(n * base * base) + 2 * np.sum(base * offsets) + np.sum(self.offset_squares[used])
        )
        return total, squares

    def non_empty(self) -> IntArray:
        return np.flatnonzero(self.counts > 0).astype(np.int64)

    def several_values(self) -> IntArray:
        """Non-empty bins holding more than one distinct value."""
        return np.flatnonzero((self.counts > 0) & (self.minima < self.maxima)).astype(np.int64)

    def coarsen(self, bins: int) -> IntArray:
        """Counts on the grid of ``bins`` equal bins over the same range (``bins`` divides
        ``grid.bins``): the fine histogram a stored profile keeps."""
        if self.grid.bins % bins:
            raise ValueError(f"{bins} bins do not divide a grid of {self.grid.bins}")
        summed: IntArray = self.counts.reshape(bins, self.grid.bins // bins).sum(axis=1)
        return summed


@dataclass(frozen=True, eq=False)
class GridValues:
    """The values of some bins of one sample, as the engine returned them (any order)."""

    bins: IntArray
    values: FloatArray

    @classmethod
    def of(cls, bins: npt.ArrayLike, values: npt.ArrayLike) -> GridValues:
        index = np.asarray(bins, dtype=np.int64)
        x = np.asarray(values, dtype=np.float64)
        order = np.argsort(x, kind="stable")  # bins grow with values: sorted by both
        return cls(index[order], x[order])

    @classmethod
    def none(cls) -> GridValues:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0))

    @classmethod
    def select(
        cls,
        values: npt.ArrayLike,
        grid: FineGrid,
        bins: npt.ArrayLike,
        index: IntArray | None = None,
    ) -> GridValues:
        """The values of ``bins`` among raw values (``index``: ``grid.index(values)``)."""
        x = np.asarray(values, dtype=np.float64)
        if index is None:
            index = grid.index(x)
        wanted = np.zeros(grid.bins, dtype=bool)
        wanted[np.asarray(bins, dtype=np.int64)] = True
        keep = wanted[index]
        return cls.of(index[keep], x[keep])

    def in_bin(self, index: int) -> FloatArray:
        start, end = np.searchsorted(self.bins, [index, index + 1])
        return self.values[start:end]


# ------------------------------------------------------------------------ which bins to open


@dataclass(frozen=True, eq=False)
class _Cdfs:
    """Cumulative counts before each bin and ``F_r - F_c`` at its start, its end, and its
    lower and upper bound inside."""

    before_r: IntArray
    before_c: IntArray
    start: FloatArray
    end: FloatArray
    lower: FloatArray
    upper: FloatArray


def _cdfs(reference: GridTable, current: GridTable) -> _Cdfs:
    if reference.grid != current.grid:
        raise ValueError("both samples must be aggregated on the same grid")
    n_r, n_c = reference.n, current.n
    if n_r == 0 or n_c == 0:
        raise ValueError("both samples need at least one value")
    end_r, end_c = np.cumsum(reference.counts), np.cumsum(current.counts)
    before_r, before_c = end_r - reference.counts, end_c - current.counts
    return _Cdfs(
        before_r,
        before_c,
        before_r / n_r - before_c / n_c,
        end_r / n_r - end_c / n_c,
        before_r / n_r - end_c / n_c,
        end_r / n_r - before_c / n_c,
    )


def _single_valued(reference: GridTable, current: GridTable) -> npt.NDArray[np.bool_]:
    low = np.minimum(reference.minima, current.minima)
    high = np.maximum(reference.maxima, current.maxima)
    single: npt.NDArray[np.bool_] = low == high
    return single


def _opened(cdfs: _Cdfs, single: npt.NDArray[np.bool_]) -> IntArray:
    reached = float(np.abs(cdfs.end).max())
    straddles = (cdfs.lower < 0) & (cdfs.upper > 0)
    above = np.maximum(cdfs.upper, -cdfs.lower) > reached
    return np.flatnonzero((straddles | above) & ~single).astype(np.int64)


def distance_bins(reference: GridTable, current: GridTable) -> IntArray:
    """Bins whose values (of both samples) ``grid_distances`` needs."""
    return _opened(_cdfs(reference, current), _single_valued(reference, current))


def grid_distances(
    reference: GridTable,
    current: GridTable,
    reference_values: GridValues,
    current_values: GridValues,
) -> tuple[float, float]:
    """Exact KS statistic and Wasserstein-1 (scipy's ``ks_2samp`` statistic and
    ``wasserstein_distance`` on the raw values); the values must cover ``distance_bins``."""
    cdfs = _cdfs(reference, current)
    single = _single_valued(reference, current)
    opened = _opened(cdfs, single)
    grid = reference.grid
    n_r, n_c = reference.n, current.n
    left = grid.left(np.arange(grid.bins + 1))
    left[-1] = max(left[-1], reference.maximum, current.maximum)
    widths = np.diff(left)
    signed = ~single
    signed[opened] = False
    # bins where the sign holds: |integral (F_r - F_c)|, from the offsets
    integral = cdfs.end * widths - (reference.offsets / n_r - current.offsets / n_c)
    wasserstein = float(np.abs(integral[signed]).sum())
    # a bin of one distinct value v: the start difference up to v, the end one after it
    one = np.flatnonzero(single)
    value = np.minimum(reference.minima, current.minima)[one]
    wasserstein += float(
        np.sum(np.abs(cdfs.start[one]) * (value - left[one]))
        + np.sum(np.abs(cdfs.end[one]) * (left[one + 1] - value))
    )
    statistic = float(np.abs(cdfs.end).max())
    if opened.size:
        bins, values, gaps = _steps(opened, reference_values, current_values, cdfs, n_r, n_c)
        statistic = max(statistic, float(np.abs(gaps).max()))
        wasserstein += _opened_integral(opened, bins, values, gaps, cdfs, left)
    return statistic, wasserstein


def _steps(
    opened: IntArray,
    reference_values: GridValues,
    current_values: GridValues,
    cdfs: _Cdfs,
    n_r: int,
    n_c: int,
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Each distinct value in the opened bins, its bin, and ``F_r - F_c`` just after it
    (``count / n`` as scipy computes it)."""
    parts = []
    for sample, in_reference in ((reference_values, 1), (current_values, 0)):
        keep = np.isin(sample.bins, opened)
        parts.append(
            (sample.bins[keep], sample.values[keep], np.full(int(keep.sum()), in_reference))
        )
    bins = np.concatenate([p[0] for p in parts])
    values = np.concatenate([p[1] for p in parts])
    is_r = np.concatenate([p[2] for p in parts]).astype(np.int64)
    order = np.lexsort((values, bins))
    bins, values, is_r = bins[order], values[order], is_r[order]
    if not bins.size:
        raise ValueError(f"the values of bins {opened[:5].tolist()} are missing")
    first = np.r_[True, bins[1:] != bins[:-1]]
    group = np.cumsum(first) - 1
    seen_r, seen_c = np.cumsum(is_r), np.cumsum(1 - is_r)
    inside_r = seen_r - (seen_r - is_r)[first][group]
    inside_c = seen_c - (seen_c - (1 - is_r))[first][group]
    gaps = (cdfs.before_r[bins] + inside_r) / n_r - (cdfs.before_c[bins] + inside_c) / n_c
    last = np.r_[(values[1:] != values[:-1]) | (bins[1:] != bins[:-1]), True]
    return bins[last], values[last], gaps[last]


def _opened_integral(
    opened: IntArray,
    bins: IntArray,
    values: FloatArray,
    gaps: FloatArray,
    cdfs: _Cdfs,
    left: FloatArray,
) -> float:
    """``integral |F_r - F_c|`` over the opened bins, one step per distinct value."""
    found = np.unique(bins)
    if found.size != opened.size:
        missing = np.setdiff1d(opened, found)
        raise ValueError(f"the values of bins {missing[:5].tolist()} are missing")
    following = np.r_[values[1:], 0.0]
    same_bin = np.r_[bins[1:] == bins[:-1], False]
    # after each value up to the next value of the bin, or to the bin's end
    total = np.sum(np.abs(gaps) * (np.where(same_bin, following, left[bins + 1]) - values))
    first = np.r_[True, bins[1:] != bins[:-1]]
    start = bins[first]
    # before the first value of each bin, the difference at the bin's start
    total += np.sum(np.abs(cdfs.start[start]) * (values[first] - left[start]))
    return float(total)


# ------------------------------------------------------------ order statistics and counts


def rank_bins(table: GridTable, ranks: npt.ArrayLike) -> IntArray:
    """The bin of each order statistic (0-based ``ranks`` of the sorted values)."""
    k = np.asarray(ranks, dtype=np.int64)
    if k.size and (k.min() < 0 or k.max() >= table.n):
        raise ValueError(f"ranks must lie in [0, {table.n})")
    bins: IntArray = np.searchsorted(np.cumsum(table.counts), k, side="right").astype(np.int64)
    return bins


def order_statistics(table: GridTable, values: GridValues, ranks: npt.ArrayLike) -> FloatArray:
    """The values of rank ``ranks``; ``values`` must cover their bins unless a bin holds a
    single distinct value."""
    k = np.asarray(ranks, dtype=np.int64)
    bins = rank_bins(table, k)
    before = np.cumsum(table.counts) - table.counts
    result = np.empty(k.size)
    for i, (rank, index) in enumerate(zip(k, bins, strict=True)):
        if table.minima[index] == table.maxima[index]:
            result[i] = table.minima[index]
            continue
        inside = values.in_bin(int(index))
        if inside.size != table.counts[index]:
            raise ValueError(
                f"bin {index} holds {table.counts[index]} values, {inside.size} were given"
            )
        result[i] = inside[rank - before[index]]
    return result


def quantile_ranks(n: int, levels: Sequence[float]) -> tuple[IntArray, FloatArray]:
    """The two ranks around each quantile and the interpolation weight (numpy's "linear":
    position ``(n - 1) q``)."""
    position = (n - 1) * np.asarray(levels, dtype=np.float64)
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, n - 1)
    return np.concatenate([below, above]), position - below


def grid_quantiles(table: GridTable, values: GridValues, levels: Sequence[float]) -> FloatArray:
    """``numpy.quantile(x, levels)`` (linear interpolation), with numpy's own lerp."""
    ranks, weight = quantile_ranks(table.n, levels)
    stats = order_statistics(table, values, ranks)
    a, b = stats[: len(levels)], stats[len(levels) :]
    # numpy's _lerp: from the nearer end, so that a weight of 1 gives b exactly
    lerped: FloatArray = np.where(weight >= 0.5, b - (b - a) * (1 - weight), a + (b - a) * weight)
    return lerped


def edge_bins(table: GridTable, edges: Sequence[float] | FloatArray) -> IntArray:
    """Bins ``counts_below`` needs: the bin of each edge and its two neighbours, where they
    hold several distinct values."""
    e = np.asarray(edges, dtype=np.float64)
    inside = e[(e >= table.grid.lo) & (e <= table.grid.hi)]
    near = table.grid.index(inside)[:, None] + np.arange(-1, 2)[None, :]
    near = np.unique(np.clip(near, 0, table.grid.bins - 1))
    several = (table.counts[near] > 0) & (table.minima[near] < table.maxima[near])
    bins: IntArray = near[several].astype(np.int64)
    return bins


def counts_below(
    table: GridTable, values: GridValues, edges: Sequence[float] | FloatArray
) -> IntArray:
    """How many values are ``< e`` for each edge ``e``; ``values`` covers ``edge_bins``."""
    cumulative = np.concatenate([[0], np.cumsum(table.counts)])
    result = np.empty(len(edges), dtype=np.int64)
    for i, edge in enumerate(np.asarray(edges, dtype=np.float64)):
        if edge < table.grid.lo:  # the grid starts at the smallest value
            result[i] = 0
            continue
        if edge > table.grid.hi:
            result[i] = table.n
            continue
        index = int(table.grid.index(edge))
        first, last = max(index - 1, 0), min(index + 1, table.grid.bins - 1)
        count = int(cumulative[first])
        for j in range(first, last + 1):
            if table.counts[j] == 0:
                continue
            if table.minima[j] == table.maxima[j]:
                count += int(table.counts[j]) if table.minima[j] < edge else 0
            else:
                inside = values.in_bin(j)
                if inside.size != table.counts[j]:
                    raise ValueError(
                        f"bin {j} holds {table.counts[j]} values, {inside.size} were given"
                    )
                count += int(np.searchsorted(inside, edge, side="left"))
        result[i] = count
    return result


def grid_bin_counts(
    table: GridTable, values: GridValues, inner_edges: Sequence[float] | FloatArray
) -> IntArray:
    """Counts per bin of ``inner_edges`` (bin = number of edges ``<= x``, as
    ``numpy.searchsorted(edges, x, side="right")``)."""
    below = counts_below(table, values, inner_edges)
    bounds = np.concatenate([[0], below, [table.n]])
    counts: IntArray = np.diff(bounds).astype(np.int64)
    return counts


def grid_value_counts(table: GridTable, values: GridValues) -> tuple[FloatArray, IntArray]:
    """Counts per distinct value; ``values`` covers ``table.several_values()``."""
    keys: list[FloatArray] = []
    counts: list[IntArray] = []
    single = np.flatnonzero((table.counts > 0) & (table.minima == table.maxima))
    keys.append(table.minima[single])
    counts.append(table.counts[single])
    for index in table.several_values():
        inside = values.in_bin(int(index))
        if inside.size != table.counts[index]:
            raise ValueError(
                f"bin {index} holds {table.counts[index]} values, {inside.size} were given"
            )
        unique, tally = np.unique(inside, return_counts=True)
        keys.append(unique)
        counts.append(tally.astype(np.int64))
    all_keys = np.concatenate(keys)
    all_counts = np.concatenate(counts)
    order = np.argsort(all_keys, kind="stable")
    return all_keys[order], all_counts[order]


def distinct_at_most(table: GridTable, limit: int) -> bool:
    """Whether the sample may have at most ``limit`` distinct values (each non-empty bin
    holds at least one): if not, its bins need not be opened to know it."""
    return int(np.count_nonzero(table.counts)) <= limit
