"""The fine grid gives exact KS, Wasserstein-1, quantiles and counts without a sort: every
figure equals scipy's or numpy's on the raw values, whatever the grid size."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from charter.metrics import drift
from charter.metrics.fine_grid import (
    FineGrid,
    GridTable,
    GridValues,
    distance_bins,
    edge_bins,
    grid_bin_counts,
    grid_distances,
    grid_quantiles,
    grid_value_counts,
    quantile_ranks,
    rank_bins,
)

Floats = npt.NDArray[np.float64]
LEVELS = drift.quantile_levels()


def tables(r: Floats, c: Floats, bins: int) -> tuple[FineGrid, GridTable, GridTable]:
    grid = FineGrid.over(float(min(r.min(), c.min())), float(max(r.max(), c.max())), bins)
    return grid, GridTable.from_values(grid, r), GridTable.from_values(grid, c)


def samples(draw: st.DrawFn) -> tuple[Floats, Floats, int]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_r, n_c = draw(st.integers(1, 2_000)), draw(st.integers(1, 2_000))
    kind = draw(st.sampled_from(["normal", "ties", "outlier", "constant", "disjoint"]))
    if kind == "normal":
        r, c = rng.normal(0, 1, n_r), rng.normal(draw(st.floats(-0.5, 0.5)), 1.2, n_c)
    elif kind == "ties":
        r, c = rng.integers(0, 30, n_r) * 1.0, rng.integers(0, 32, n_c) * 1.0
    elif kind == "outlier":
        r, c = rng.normal(size=n_r).round(1), np.r_[rng.normal(size=n_c).round(2), 1e6]
    elif kind == "constant":
        r, c = np.full(n_r, 3.0), np.full(n_c, draw(st.sampled_from([3.0, 4.0])))
    else:
        r, c = rng.uniform(0, 1, n_r), rng.uniform(2, 3, n_c)
    return r, c, draw(st.integers(1, 400))


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data())
def test_ks_and_wasserstein_equal_scipy(data: st.DataObject) -> None:
    r, c, bins = samples(data.draw)
    grid, tr, tc = tables(r, c, bins)
    opened = distance_bins(tr, tc)
    ks, w1 = grid_distances(
        tr, tc, GridValues.select(r, grid, opened), GridValues.select(c, grid, opened)
    )
    assert ks == pytest.approx(stats.ks_2samp(r, c).statistic, abs=1e-12)
    assert w1 == pytest.approx(stats.wasserstein_distance(r, c), rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None, database=None)
@given(data=st.data())
def test_quantiles_counts_values_and_moments_equal_numpy(data: st.DataObject) -> None:
    r, c, bins = samples(data.draw)
    grid, tr, _ = tables(r, c, bins)
    ranks, _ = quantile_ranks(tr.n, LEVELS)
    quantiles = grid_quantiles(tr, GridValues.select(r, grid, rank_bins(tr, ranks)), LEVELS)
    assert np.array_equal(quantiles, np.quantile(r, LEVELS))  # bit for bit: numpy's lerp
    edges = np.unique(np.quantile(c, LEVELS))
    counts = grid_bin_counts(tr, GridValues.select(r, grid, edge_bins(tr, edges)), edges)
    assert np.array_equal(counts, drift.bin_counts(edges, r))
    keys, tally = grid_value_counts(tr, GridValues.select(r, grid, tr.several_values()))
    expected_keys, expected_tally = np.unique(r, return_counts=True)
    assert np.array_equal(keys, expected_keys)
    assert np.array_equal(tally, expected_tally)
    shift = float(r.mean())
    total, squares = tr.moments(shift)
    assert total == pytest.approx(np.sum(r - shift), abs=1e-9 * (np.abs(r).sum() + 1))
    assert squares == pytest.approx(np.sum((r - shift) ** 2), rel=1e-9, abs=1e-12)


def test_only_the_bins_where_the_cdfs_may_cross_are_opened() -> None:
    """A shift leaves few bins to open; a bin of one distinct value is never opened."""
    rng = np.random.default_rng(1)
    r, c = rng.normal(0, 1, 200_000), rng.normal(0.5, 1, 200_000)
    _, tr, tc = tables(r, c, 20_000)
    assert distance_bins(tr, tc).size < 200
    ints_r, ints_c = rng.integers(0, 50, 10_000) * 1.0, rng.integers(3, 60, 10_000) * 1.0
    _, ir, ic = tables(ints_r, ints_c, 100)  # one value per bin
    assert distance_bins(ir, ic).size == 0
    assert grid_distances(ir, ic, GridValues.none(), GridValues.none())[1] == pytest.approx(
        stats.wasserstein_distance(ints_r, ints_c), rel=1e-12
    )


def test_missing_values_of_an_opened_bin_are_an_error_not_a_wrong_answer() -> None:
    rng = np.random.default_rng(2)
    r, c = rng.normal(0, 1, 5_000), rng.normal(0, 1, 5_000)
    _, tr, tc = tables(r, c, 50)
    assert distance_bins(tr, tc).size
    with pytest.raises(ValueError, match="missing"):
        grid_distances(tr, tc, GridValues.none(), GridValues.none())
    with pytest.raises(ValueError, match="values, 0 were given"):
        grid_quantiles(tr, GridValues.none(), LEVELS)


def test_partitions_add_up_and_the_stored_histogram_is_a_coarsening() -> None:
    rng = np.random.default_rng(4)
    x = rng.gamma(2, 2, 30_000)
    grid = FineGrid(float(x.min()), float(x.max()), 40_000)
    whole = GridTable.from_values(grid, x)
    merged = GridTable.from_values(grid, x[:7_000]).merge(GridTable.from_values(grid, x[7_000:]))
    assert np.array_equal(merged.counts, whole.counts)
    assert np.array_equal(merged.minima, whole.minima)
    assert np.allclose(merged.offsets, whole.offsets, rtol=1e-12, atol=1e-15)
    coarse = FineGrid(grid.lo, grid.hi, 10_000)
    direct = np.bincount(coarse.index(x), minlength=10_000)
    # a value within an ulp of a coarse edge may fall on either side: counts agree elsewhere
    assert np.abs(whole.coarsen(10_000) - direct).sum() <= 2
    with pytest.raises(ValueError, match="do not divide"):
        whole.coarsen(3)


def test_a_grid_over_a_single_value_is_widened() -> None:
    grid = FineGrid.over(2.0, 2.0, 10_000)
    assert (grid.lo, grid.hi, grid.bins) == (2.0, 3.0, 1)
    with pytest.raises(ValueError, match="lo < hi"):
        FineGrid(1.0, 1.0)
