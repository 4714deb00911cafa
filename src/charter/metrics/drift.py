"""Drift statistics from count tables that a scan engine has already aggregated.

The engine never returns raw rows at scale: it returns, per column and window, counts per
bin or per distinct value (``GROUP BY``), and for numeric columns the row count, minimum,
maximum and moments. Everything Charter reports about drift is computed here from those
small tables, with the reference definitions of Evidently (0.7.x legacy stattests, which
its ``DataDriftPreset`` still calls) and scipy.

Binning convention (the engine buckets with exactly this rule). Given sorted *inner* edges
``e_0 < e_1 < ... < e_{k-1}``, the bin of ``x`` is the number of inner edges ``<= x``
(``numpy.searchsorted(edges, x, side="right")``), so there are ``k + 1`` bins
``(-inf, e_0), [e_0, e_1), ..., [e_{k-1}, +inf)``. Charter's default is the reference
deciles as inner edges (open outer bins, stored once with the reference profile). For an
Evidently-compatible comparison the inner edges are ``evidently_edges(...)[1:-1]``; because
those full edges span the combined minimum and maximum, the convention reproduces
``numpy.histogram`` exactly, including its right-closed last bin.

Counts exclude missing values (Evidently drops them before testing). Every function that
takes two count vectors expects the same bins in the same order and raises ``ValueError``
when either vector is empty, negative, non-finite or all zero.

The last part holds the tables themselves: ``ColumnCounts`` (one column in one window,
additive), the stored ``ReferenceProfile`` (JSON schema ``charter.drift.reference/v1``),
``NumericDistances`` (KS and Wasserstein, exact or from a fine histogram with error bounds)
and ``compare_windows``, which turns them into a ``DriftReport``.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import stats
from scipy.spatial import distance

from charter.metrics.fine_grid import FineGrid

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
Counts: TypeAlias = Sequence[float] | npt.NDArray[Any]
"""Non-negative counts (or weights) per bin, one vector per sample."""
ColumnKind: TypeAlias = Literal["numerical", "categorical"]
KsMethod: TypeAlias = Literal["auto", "exact", "asymp"]
ZeroFill: TypeAlias = Literal["evidently", "none"] | float

DEFAULT_QUANTILE_BINS = 10
"""Charter's default numeric binning: reference deciles (9 inner edges, 10 bins)."""

EVIDENTLY_ZERO_FILL = 0.0001
"""Evidently's replacement for an empty bin's share, unless the smallest share is smaller."""

EVIDENTLY_STURGES_MIN_UNIQUE = 20
"""Evidently bins a numeric column with Sturges edges when the reference has more uniques."""

SCIPY_KS_MAX_AUTO_N = 10_000
"""``ks_2samp(method="auto")`` is exact when both samples have at most this many rows."""

EVIDENTLY_SMALL_SAMPLE = 1000
"""Up to this many reference rows Evidently tests with KS, chi-square or z (p-values); above
it with Wasserstein and Jensen-Shannon distances."""

WASSERSTEIN_STD_FLOOR = 0.001
"""Evidently's floor on the reference standard deviation that normalises Wasserstein-1."""


# --------------------------------------------------------------------------- binning


def quantile_levels(n_bins: int = DEFAULT_QUANTILE_BINS) -> tuple[float, ...]:
    """The probabilities ``i / n_bins`` for ``i = 1 .. n_bins - 1`` the engine evaluates."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    return tuple(i / n_bins for i in range(1, n_bins))


def quantile_edges(quantiles: Sequence[float]) -> tuple[float, ...]:
    """Inner edges from reference quantiles computed by the engine: sorted, duplicates dropped.

    Ties in the reference (a point mass) make equal quantiles; one edge per distinct value
    keeps every bin well defined, so a column may end up with fewer than
    ``DEFAULT_QUANTILE_BINS`` bins. No quantiles give a single bin.
    """
    values = [float(q) for q in quantiles]
    if not all(math.isfinite(q) for q in values):
        raise ValueError(f"quantiles must be finite, got {values}")
    return tuple(sorted(set(values)))


def bin_index(inner_edges: Sequence[float] | FloatArray, x: npt.ArrayLike) -> IntArray:
    """Bin of each ``x``: the number of inner edges ``<= x`` (``searchsorted(side="right")``)."""
    edges = _sorted_edges(inner_edges)
    return np.searchsorted(edges, np.asarray(x, dtype=np.float64), side="right").astype(np.int64)


def bin_counts(inner_edges: Sequence[float] | FloatArray, x: npt.ArrayLike) -> IntArray:
    """Counts per bin (``len(inner_edges) + 1`` of them) of raw values, for small data and tests."""
    edges = _sorted_edges(inner_edges)
    index = bin_index(edges, np.ravel(np.asarray(x, dtype=np.float64)))
    return np.bincount(index, minlength=edges.size + 1).astype(np.int64)


def evidently_edges(
    minimum: float, maximum: float, n_rows: int, *, integer: bool = False
) -> FloatArray:
    """Full edges of ``np.histogram_bin_edges(concat(ref, cur), bins="sturges")``, bit for bit.

    Evidently (``legacy/calculations/stattests/utils.py::get_binned_data``) bins a numeric
    column this way for PSI, KL and Jensen-Shannon when the reference has more than 20
    distinct values. numpy (``numpy/lib/_histograms_impl.py``, read at numpy 2.4) computes:

    - width ``h = (max - min) / (log2(n) + 1)`` (``_hist_bin_sturges``, peak-to-peak of the
      data before any widening); for integer data a width below 1 becomes 1;
    - ``n_bins = ceil((max - min) / h)`` when ``h != 0``, else 1 (``_get_bin_edges``); this is
      usually ``ceil(log2(n) + 1)`` but follows the same floating-point steps;
    - outer edges ``min, max``, widened to ``min - 0.5, max + 0.5`` when equal
      (``_get_outer_edges``);
    - ``np.linspace(first, last, n_bins + 1)`` in float64.

    Only the combined minimum, maximum and row count are needed. ``integer`` must be true when
    the combined column has an integer dtype (int64 in pandas, no missing values), because
    numpy then applies the width floor of 1. Float32 data (float32 edges) is not reproduced.

    The numeric path of Evidently's Hellinger distance uses the same rule on the *distinct*
    values: ``evidently_edges(min, max, n_unique)``.
    """
    if n_rows < 1:
        raise ValueError(f"n_rows must be at least 1, got {n_rows}")
    if not (math.isfinite(minimum) and math.isfinite(maximum)):
        raise ValueError(f"autodetected range of [{minimum}, {maximum}] is not finite")
    if minimum > maximum:
        raise ValueError(f"minimum {minimum} is larger than maximum {maximum}")
    if integer and not (float(minimum).is_integer() and float(maximum).is_integer()):
        raise ValueError("integer=True needs integral minimum and maximum")
    first, last = np.float64(minimum), np.float64(maximum)
    width = np.subtract(last, first) / (np.log2(n_rows) + 1.0)
    if width:
        if integer and width < 1:
            width = np.float64(1.0)
        n_bins = int(np.ceil(np.subtract(last, first) / width))
    else:
        n_bins = 1
    if first == last:
        first, last = first - 0.5, last + 0.5
    edges: FloatArray = np.linspace(first, last, n_bins + 1, endpoint=True, dtype=np.float64)
    if np.any(edges[:-1] >= edges[1:]):
        raise ValueError(f"Too many bins for data range. Cannot create {n_bins} finite-sized bins.")
    return edges


def inner_edges_of(full_edges: Sequence[float] | FloatArray) -> FloatArray:
    """Inner edges ``full_edges[1:-1]`` of a ``numpy.histogram`` edge array.

    With these inner edges, the binning convention gives ``numpy.histogram(x, full_edges)``
    counts for every ``x`` in ``[full_edges[0], full_edges[-1]]``: ``[e_i, e_{i+1})`` for the
    inner bins and the last bin closed on the right (a value equal to the maximum is counted
    by both in the last bin). Values outside the full range, which numpy drops, land in the
    first or last bin here; Evidently's edges span all its data, so none exist.
    """
    edges = _sorted_edges(full_edges)
    if edges.size < 2:
        raise ValueError("full edges need at least two values (one bin)")
    return edges[1:-1].copy()


def uses_sturges_bins(kind: ColumnKind, n_unique_reference: int) -> bool:
    """Whether Evidently bins with Sturges edges (else one bin per distinct value).

    ``get_binned_data``: numerical columns whose *reference* has more than 20 distinct values.
    """
    return kind == "numerical" and n_unique_reference > EVIDENTLY_STURGES_MIN_UNIQUE


# ------------------------------------------------------------- distances on binned counts


class StatTestResult(NamedTuple):
    """A test statistic and its p-value."""

    statistic: float
    p_value: float


def psi(reference: Counts, current: Counts, *, zero_fill: ZeroFill = "evidently") -> float:
    """Population stability index ``PSI = sum_i (p_r,i - p_c,i) * ln(p_r,i / p_c,i)``.

    ``p = counts / total`` per sample, then empty bins are filled (see ``zero_fill``) and the
    shares are *not* renormalised, as in Evidently (``stattests/psi.py``). With
    ``zero_fill="none"`` a bin empty in exactly one sample makes PSI infinite and a bin empty
    in both contributes nothing; a float replaces every zero share by that value.

    Evidently's rule (``"evidently"``), verified in ``stattests/utils.py::get_binned_data``
    of evidentlyai/evidently: for each sample separately, zero shares become
    ``min(non-zero shares) / 10**6`` when that minimum is ``<= 0.0001``, else ``0.0001``.
    """
    p_r, p_c = _filled_shares(reference, current, zero_fill)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (p_r - p_c) * np.log(p_r / p_c)
    # 0 * ln(0/0) is nan; a bin empty in both samples contributes nothing
    terms = np.where((p_r == 0) & (p_c == 0), 0.0, terms)
    return float(np.sum(terms))


def kl_divergence(
    reference: Counts, current: Counts, *, zero_fill: ZeroFill = "evidently"
) -> float:
    """Kullback-Leibler divergence ``KL(r || c) = sum_i p_r,i * ln(p_r,i / p_c,i)``.

    Evidently (``stattests/kl_div.py``) fills empty bins like ``psi`` and then calls
    ``scipy.stats.entropy(p_r, p_c)``, which renormalises both filled vectors to sum 1.
    """
    p_r, p_c = _filled_shares(reference, current, zero_fill)
    return float(stats.entropy(p_r, p_c))


def jensen_shannon_distance(reference: Counts, current: Counts, base: float = math.e) -> float:
    """Jensen-Shannon distance ``sqrt((KL(p_r || m) + KL(p_c || m)) / 2)``, ``m = (p_r + p_c)/2``.

    ``scipy.spatial.distance.jensenshannon`` on ``counts / total``, without zero filling
    (Evidently's ``stattests/jensenshannon.py`` passes ``feel_zeroes=False``). Evidently uses
    the natural logarithm, so the maximum is ``sqrt(ln 2) ~ 0.8326``; ``base=2`` gives
    NannyML's [0, 1] scale.
    """
    p_r, p_c = _shares(reference, current)
    return float(distance.jensenshannon(p_r, p_c, base))


def hellinger(reference: Counts, current: Counts) -> float:
    """Hellinger distance ``sqrt(1 - sum_i sqrt(p_r,i * p_c,i))``, in [0, 1].

    Evidently's ``stattests/hellinger_distance.py`` (Bhattacharyya coefficient clipped to
    [0, 1]). Its numeric path bins with ``evidently_edges(min, max, n_unique)`` and density
    times bin width, which equals ``counts / total`` up to rounding.
    """
    p_r, p_c = _shares(reference, current)
    coefficient = float(np.clip(np.sum(np.sqrt(p_r * p_c)), 0.0, 1.0))
    return math.sqrt(1.0 - coefficient)


def total_variation(reference: Counts, current: Counts) -> float:
    """Total variation distance ``0.5 * sum_i |p_r,i - p_c,i|``, in [0, 1].

    The statistic of Evidently's ``TVD`` test (``stattests/tvd_stattest.py``); Evidently turns
    it into a p-value by a permutation test on raw rows, which is not reproduced here.
    """
    p_r, p_c = _shares(reference, current)
    return float(0.5 * np.sum(np.abs(p_r - p_c)))


def chi_square(reference: Counts, current: Counts) -> StatTestResult:
    """Evidently's chi-square goodness of fit of the current counts to the reference shares.

    ``expected_i = r_i * (n_c / n_r)``, then ``scipy.stats.chisquare(c, expected)``: statistic
    ``sum_i (c_i - expected_i)^2 / expected_i`` on ``k - 1`` degrees of freedom
    (``stattests/chisquare_stattest.py``). Evidently's categories are the values seen in
    either sample, so bins empty in both are dropped first. A category absent from the
    reference but present in the current sample gives an infinite statistic and p = 0, as in
    scipy. With a single category scipy's p-value is undefined (no degree of freedom); this
    returns statistic 0 and p = 1, which leads to the same "no drift" decision.
    """
    r, c = _count_pair(reference, current)
    seen = (r + c) > 0
    r, c = r[seen], c[seen]
    if r.size == 1:
        return StatTestResult(0.0, 1.0)
    expected = r * (c.sum() / r.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        result = stats.chisquare(c, expected)
    return StatTestResult(float(result.statistic), float(result.pvalue))


def two_proportion_z(
    reference_positive: int, reference_n: int, current_positive: int, current_n: int
) -> StatTestResult:
    """Pooled two-proportion z-test, two-sided, with Evidently's arithmetic.

    ``p1 = k1 / n1``, ``p2 = k2 / n2``, ``P = (p1 n1 + p2 n2) / (n1 + n2)``,
    ``z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2))``, ``p = 2 (1 - Phi(|z|))``
    (``stattests/z_stattest.py``; Evidently codes the first sorted category as 0 and every
    other value as 1, which only flips the sign of z). When both samples hold a single
    and the same category (P = 0 or 1) z is undefined; Evidently reports p = 1, and this
    returns ``(0.0, 1.0)``.
    """
    for k, n, name in (
        (reference_positive, reference_n, "reference"),
        (current_positive, current_n, "current"),
    ):
        if n < 1:
            raise ValueError(f"{name} sample is empty: n must be at least 1, got {n}")
        if not 0 <= k <= n:
            raise ValueError(f"{name} positives must lie in [0, {n}], got {k}")
    p1 = float(reference_positive) / reference_n
    p2 = float(current_positive) / current_n
    pooled = float(p1 * reference_n + p2 * current_n) / (reference_n + current_n)
    if pooled in (0.0, 1.0):
        return StatTestResult(0.0, 1.0)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1.0 / reference_n + 1.0 / current_n))
    return StatTestResult(z, float(2 * (1 - stats.norm.cdf(abs(z)))))


# ------------------------------------------------------ numeric distances, exact from values


@dataclass(frozen=True, slots=True)
class KsResult:
    """Two-sample Kolmogorov-Smirnov test; ``method`` is the one actually used."""

    statistic: float
    p_value: float | None
    """``None`` where no test decides on it (``ks_p_value``)."""
    method: Literal["exact", "asymp"]


def wasserstein_exact(
    values: Sequence[float] | FloatArray, reference: Counts, current: Counts
) -> float:
    """Wasserstein-1 distance from counts per distinct value (the engine's ``GROUP BY value``).

    ``W1 = sum_i |F_r(v_i) - F_c(v_i)| * (v_{i+1} - v_i)`` with ``F = cumsum(counts) / total``
    over the distinct sorted ``values``; the same quantity as
    ``scipy.stats.wasserstein_distance(values, values, r, c)`` and as scipy on the raw rows
    (equal up to floating-point summation order).
    """
    v = _distinct_values(values)
    r, c = _count_pair(reference, current)
    _check_length(v, r)
    gaps = np.diff(v)
    cdf_gap = np.cumsum(r)[:-1] / r.sum() - np.cumsum(c)[:-1] / c.sum()
    return float(np.sum(np.abs(cdf_gap) * gaps))


def ks_exact(
    values: Sequence[float] | FloatArray,
    reference: Counts,
    current: Counts,
    *,
    method: KsMethod = "auto",
) -> KsResult:
    """``scipy.stats.ks_2samp`` (two-sided) from counts per distinct value.

    ``D = max_x |F_r(x) - F_c(x)|`` over the distinct values, with the same floating-point
    steps as scipy (``counts / n``), so D equals scipy's statistic on the raw rows.
    p-value, as in scipy's ``_stats_py.py::ks_2samp`` (read at scipy 1.17):

    - ``method="auto"`` is ``"exact"`` when ``max(n_r, n_c) <= 10_000``, else ``"asymp"``;
    - ``"exact"`` rebuilds the rows with ``np.repeat`` (memory O(n_r + n_c)) and calls scipy,
      whose exact distribution only depends on n_r, n_c and D; scipy then reports D rounded
      to its lattice ``h / lcm(n_r, n_c)`` (within a few ulp of the raw D), and so does this.
      When scipy falls back to the asymptotic formula (huge lcm or a failed exact
      computation) its ``RuntimeWarning`` is passed on and ``method`` says ``"asymp"``;
    - ``"asymp"`` is ``ks_asymptotic_p_value(D, n_r, n_c)`` on the raw D.
    """
    v = _distinct_values(values)
    r, c = _integer_count_pair(reference, current)
    _check_length(v, r)
    if method not in ("auto", "exact", "asymp"):
        raise ValueError(f"Invalid value for method: {method}")
    n_r, n_c = int(r.sum()), int(c.sum())
    if method == "auto":
        method = "exact" if max(n_r, n_c) <= SCIPY_KS_MAX_AUTO_N else "asymp"
    if method == "exact":
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = stats.ks_2samp(np.repeat(v, r), np.repeat(v, c), method="exact")
        fell_back = False
        for warning in caught:
            fell_back = fell_back or "asymp" in str(warning.message)
            warnings.warn(warning.message, warning.category, stacklevel=2)
        used: Literal["exact", "asymp"] = "asymp" if fell_back else "exact"
        return KsResult(float(result.statistic), float(result.pvalue), used)
    d = _ks_statistic(r, c)
    return KsResult(d, ks_asymptotic_p_value(d, n_r, n_c), "asymp")


def ks_asymptotic_p_value(statistic: float, n_reference: int, n_current: int) -> float:
    """Two-sided KS p-value from D and the sample sizes, as scipy's ``ks_2samp`` "asymp".

    ``p = kstwo.sf(D, round(m n / (m + n)))`` (the exact one-sample KS distribution at the
    effective sample size), clipped to [0, 1]. Only D, n and m are needed, so it also serves
    ``ks_from_histogram``.
    """
    if n_reference < 1 or n_current < 1:
        raise ValueError("both samples need at least one row")
    m, n = sorted([float(n_reference), float(n_current)], reverse=True)
    effective_n = m * n / (m + n)
    return float(np.clip(stats.kstwo.sf(statistic, np.round(effective_n)), 0, 1))


def ks_p_value(statistic: float, n_reference: int, n_current: int) -> float | None:
    """scipy's asymptotic KS p-value where a test decides on it, else ``None``.

    KS decides drift only up to ``EVIDENTLY_SMALL_SAMPLE`` reference rows (``default_test``);
    above, D is reported as a distance and its p-value is left out: at those sizes any
    difference is significant, and ``scipy.stats.kstwo.sf`` takes up to 0.5 s for a p-value
    between 1e-300 and 1e-7 at 500,000 effective rows (measured on scipy 1.17), which no
    verdict uses.
    """
    if n_reference > EVIDENTLY_SMALL_SAMPLE:
        return None
    return ks_asymptotic_p_value(statistic, n_reference, n_current)


# --------------------------------------------- numeric distances, approximate from histograms


def wasserstein_from_histogram(
    inner_edges: Sequence[float] | FloatArray,
    lo: float,
    hi: float,
    reference: Counts,
    current: Counts,
) -> float:
    """Wasserstein-1 from a fine histogram, for engines that cannot sort.

    Bins are ``[lo, e_0), [e_0, e_1), ..., [e_{k-1}, hi]`` with ``lo``/``hi`` the minimum and
    maximum of reference and current together. Mass is spread uniformly inside each bin, so
    both CDFs are piecewise linear and ``integral |F_r - F_c|`` is computed exactly per bin.

    Error bound (triangle inequality): moving a bin's mass to the uniform spread over that
    bin costs at most half its width per unit mass, so
    ``|W1_hist - W1| <= sum_j w_j (p_r,j + p_c,j) / 2 <= max_j w_j``
    (``wasserstein_histogram_bound``).
    """
    widths, cdf_gap = _histogram_cdf_gap(inner_edges, lo, hi, reference, current)
    start, end = cdf_gap[:-1], cdf_gap[1:]
    magnitude = np.abs(start) + np.abs(end)
    same_sign = start * end >= 0
    safe = np.where(magnitude > 0, magnitude, 1.0)
    # a sign change inside the bin: the two triangles on either side of the crossing
    crossing = (start**2 + end**2) / (2 * safe)
    per_bin = np.where(same_sign, magnitude / 2, crossing) * widths
    return float(np.sum(per_bin))


def wasserstein_histogram_bound(
    inner_edges: Sequence[float] | FloatArray,
    lo: float,
    hi: float,
    reference: Counts,
    current: Counts,
) -> float:
    """The bound ``sum_j w_j (p_r,j + p_c,j) / 2`` on ``|wasserstein_from_histogram - W1|``."""
    widths, _ = _histogram_cdf_gap(inner_edges, lo, hi, reference, current)
    p_r, p_c = _shares(reference, current)
    return float(np.sum(widths * (p_r + p_c)) / 2)


def ks_from_histogram(reference: Counts, current: Counts) -> float:
    """KS statistic from counts per bin: ``max_j |F_r(b_j) - F_c(b_j)|`` at the bin boundaries.

    A lower bound of the exact D, which can only be larger inside a bin, by at most that
    bin's mass: ``0 <= D - D_hist <= max_j max(p_r,j, p_c,j)`` (``ks_histogram_bound``).
    With one bin per distinct value it is the exact D.
    """
    r, c = _count_pair(reference, current)
    return _ks_statistic(r, c)


def ks_histogram_bound(reference: Counts, current: Counts) -> float:
    """The bound ``max_j max(p_r,j, p_c,j)`` on ``D - ks_from_histogram(r, c)``."""
    p_r, p_c = _shares(reference, current)
    return float(max(p_r.max(), p_c.max()))


def std_from_moments(n: int, total: float, total_of_squares: float) -> float:
    """Population standard deviation (``np.std``, ddof=0) from ``n``, ``sum x``, ``sum x^2``.

    ``sqrt(max(sum x^2 / n - (sum x / n)^2, 0))``. This cancels badly when the mean is large
    against the spread (relative error about ``1e-16 * mean^2 / var``); the variance does not
    change under a shift, so engines should send the moments of ``x - s`` for some ``s``
    near the mean (a stored reference mean, or the reference minimum).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    mean = total / n
    return math.sqrt(max(total_of_squares / n - mean * mean, 0.0))


def wasserstein_norm(w1: float, std_reference: float) -> float:
    """Evidently's ``wasserstein`` drift score: ``W1 / max(std_ref, 0.001)``.

    ``stattests/wasserstein_distance_norm.py`` divides by ``np.std(reference)`` (population
    standard deviation, SQL ``stddev_pop``) floored at 0.001.
    """
    return w1 / max(std_reference, WASSERSTEIN_STD_FLOOR)


# ------------------------------------------------------------- test selection and decisions


@dataclass(frozen=True, slots=True)
class DriftTest:
    """A drift test with its threshold; ``kind`` gives the direction of the decision."""

    name: str
    threshold: float
    kind: Literal["p_value", "distance"]


DRIFT_TESTS: Mapping[str, DriftTest] = MappingProxyType(
    {
        test.name: test
        for test in (
            DriftTest("ks", 0.05, "p_value"),
            DriftTest("chisquare", 0.05, "p_value"),
            DriftTest("z", 0.05, "p_value"),
            DriftTest("wasserstein", 0.1, "distance"),
            DriftTest("jensenshannon", 0.1, "distance"),
            DriftTest("psi", 0.1, "distance"),
            DriftTest("kl_div", 0.1, "distance"),
            DriftTest("hellinger", 0.1, "distance"),
        )
    }
)
"""Evidently's names and default thresholds (``StatTest.default_threshold``, 0.05 if unset)."""

_INCLUSIVE_P_VALUE_TESTS = frozenset({"ks"})  # Evidently's KS flags p <= threshold


def default_test(kind: ColumnKind, n_reference: int, n_unique: int) -> DriftTest:
    """Evidently's default test (``stattests/registry.py::_get_default_stattest``).

    ``n_unique`` counts distinct non-missing values over reference and current together.

    ======================  =========================  ==================================
    reference rows          column                     test
    ======================  =========================  ==================================
    <= 1000                 numerical, n_unique > 5    ``ks`` (p <= 0.05)
    <= 1000                 n_unique <= 2              ``z`` (p < 0.05)
    <= 1000                 other                      ``chisquare`` (p < 0.05)
    > 1000                  numerical, n_unique > 5    ``wasserstein`` normed (>= 0.1)
    > 1000                  other                      ``jensenshannon`` (>= 0.1)
    ======================  =========================  ==================================
    """
    if kind not in ("numerical", "categorical"):
        raise ValueError(f"kind must be 'numerical' or 'categorical', got {kind!r}")
    if n_reference < 0 or n_unique < 0:
        raise ValueError("n_reference and n_unique must be non-negative")
    continuous = kind == "numerical" and n_unique > 5
    if n_reference <= EVIDENTLY_SMALL_SAMPLE:
        if continuous:
            return DRIFT_TESTS["ks"]
        return DRIFT_TESTS["chisquare"] if n_unique > 2 else DRIFT_TESTS["z"]
    return DRIFT_TESTS["wasserstein"] if continuous else DRIFT_TESTS["jensenshannon"]


def is_drifted(test: DriftTest, value: float) -> bool:
    """Evidently's decision: p-value tests drift when ``p < threshold`` (KS: ``p <= threshold``),
    distances when ``value >= threshold``. A NaN value never flags drift."""
    if math.isnan(value):
        return False
    if test.kind == "distance":
        return value >= test.threshold
    if test.name in _INCLUSIVE_P_VALUE_TESTS:
        return value <= test.threshold
    return value < test.threshold


class DatasetDrift(NamedTuple):
    """Share of drifted columns and the dataset-level decision."""

    share_drifted: float
    drifted: bool


def dataset_drift(flags: Sequence[bool], share: float = 0.5) -> DatasetDrift:
    """``drifted = n_drifted / n_columns >= share`` (Evidently's ``get_dataset_drift``, 0.5)."""
    if len(flags) == 0:
        raise ValueError("dataset drift needs at least one column")
    share_drifted = sum(1 for flag in flags if flag) / len(flags)
    return DatasetDrift(share_drifted, share_drifted >= share)


# ------------------------------------------------------------------------------- helpers


def _sorted_edges(edges: Sequence[float] | FloatArray) -> FloatArray:
    array = np.asarray(edges, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError("edges must be one-dimensional")
    if not np.all(np.isfinite(array)):
        raise ValueError("edges must be finite")
    if np.any(array[:-1] >= array[1:]):
        raise ValueError("edges must be strictly increasing")
    return array


def _distinct_values(values: Sequence[float] | FloatArray) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError("values must be a non-empty one-dimensional sequence")
    if not np.all(np.isfinite(array)):
        raise ValueError("values must be finite")
    if np.any(array[:-1] >= array[1:]):
        raise ValueError("values must be distinct and sorted ascending")
    return array


def _check_length(values: FloatArray, counts: FloatArray | IntArray) -> None:
    if values.size != counts.size:
        raise ValueError(f"{values.size} values but {counts.size} counts per sample")


def _counts(counts: Counts, name: str) -> FloatArray:
    array = np.asarray(counts, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} counts must be a non-empty one-dimensional vector")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} counts must be finite")
    if np.any(array < 0):
        raise ValueError(f"{name} counts must be non-negative")
    if not np.any(array > 0):
        raise ValueError(
            f"{name} counts are all zero: the {name} sample is empty, so its distribution "
            "and every drift statistic against it are undefined"
        )
    return array


def _count_pair(reference: Counts, current: Counts) -> tuple[FloatArray, FloatArray]:
    r, c = _counts(reference, "reference"), _counts(current, "current")
    if r.size != c.size:
        raise ValueError(f"reference has {r.size} bins but current has {c.size}: bins must match")
    return r, c


def _integer_count_pair(reference: Counts, current: Counts) -> tuple[IntArray, IntArray]:
    r, c = _count_pair(reference, current)
    if not (np.all(r == np.round(r)) and np.all(c == np.round(c))):
        raise ValueError("the KS test needs whole-number counts (rows per value)")
    return r.astype(np.int64), c.astype(np.int64)


def _shares(reference: Counts, current: Counts) -> tuple[FloatArray, FloatArray]:
    r, c = _count_pair(reference, current)
    return r / r.sum(), c / c.sum()


def _filled_shares(
    reference: Counts, current: Counts, zero_fill: ZeroFill
) -> tuple[FloatArray, FloatArray]:
    p_r, p_c = _shares(reference, current)
    if zero_fill == "none":
        return p_r, p_c
    if zero_fill == "evidently":
        return _evidently_fill(p_r), _evidently_fill(p_c)
    if isinstance(zero_fill, str) or not (math.isfinite(zero_fill) and zero_fill > 0):
        raise ValueError(
            f"zero_fill must be 'evidently', 'none' or a positive float, got {zero_fill!r}"
        )
    return np.where(p_r == 0, zero_fill, p_r), np.where(p_c == 0, zero_fill, p_c)


def _evidently_fill(shares: FloatArray) -> FloatArray:
    smallest = float(shares[shares != 0].min())
    fill = smallest / 10**6 if smallest <= EVIDENTLY_ZERO_FILL else EVIDENTLY_ZERO_FILL
    return np.where(shares == 0, fill, shares)


def _ks_statistic(r: FloatArray | IntArray, c: FloatArray | IntArray) -> float:
    # scipy's steps: cdf = count / n for each sample, then the larger one-sided gap
    gaps = np.cumsum(r) / r.sum() - np.cumsum(c) / c.sum()
    below = float(np.clip(-gaps.min(), 0, 1))
    above = float(gaps.max())
    return below if below > above else above


def _histogram_cdf_gap(
    inner_edges: Sequence[float] | FloatArray,
    lo: float,
    hi: float,
    reference: Counts,
    current: Counts,
) -> tuple[FloatArray, FloatArray]:
    inner = _sorted_edges(inner_edges)
    r, c = _count_pair(reference, current)
    if r.size != inner.size + 1:
        raise ValueError(
            f"{inner.size} inner edges make {inner.size + 1} bins, got {r.size} counts"
        )
    full = np.concatenate(([lo], inner, [hi]))
    if not np.all(np.isfinite(full)):
        raise ValueError("lo and hi must be finite")
    widths = np.diff(full)
    if np.any(widths < 0):
        raise ValueError("lo must not exceed the first inner edge, nor the last inner edge hi")
    gap = np.concatenate(([0.0], np.cumsum(r) / r.sum() - np.cumsum(c) / c.sum()))
    return widths, gap


# ------------------------------------------- count tables: what the engine returns per window

Binning: TypeAlias = Literal["charter", "evidently"]
CountKey: TypeAlias = str | float
"""A distinct value: a category label (categorical columns) or a number (few-valued numerics)."""
DistanceMethod: TypeAlias = Literal["exact", "histogram"]

PROFILE_SCHEMA = "charter.drift.reference/v1"
FINE_HISTOGRAM_BINS = 10_000
"""Equal-width bins of the histograms that stand in for a sort (NannyML stores 10,000 too)."""
DISCRETE_MAX_UNIQUE = EVIDENTLY_STURGES_MIN_UNIQUE
"""A numeric column with at most this many distinct reference values is binned per value."""


@dataclass(frozen=True, slots=True)
class Moments:
    """Additive moments of the non-missing values: ``n``, ``sum (x - shift)``, ``sum (x -
    shift)^2``. The shift (the reference mean) keeps the variance from cancelling."""

    n: int
    shift: float
    total: float
    total_of_squares: float

    @property
    def mean(self) -> float | None:
        return None if self.n == 0 else self.shift + self.total / self.n

    @property
    def std(self) -> float | None:
        """Population standard deviation (``np.std``, ddof=0); ``None`` without values."""
        if self.n == 0:
            return None
        return std_from_moments(self.n, self.total, self.total_of_squares)

    def merge(self, other: Moments) -> Moments:
        if other.shift != self.shift:
            raise ValueError(f"moments shifted by {self.shift} and {other.shift} do not add up")
        return Moments(
            self.n + other.n,
            self.shift,
            self.total + other.total,
            self.total_of_squares + other.total_of_squares,
        )


@dataclass(frozen=True, slots=True)
class ColumnCounts:
    """One column in one window, as the engine aggregated it; windows and partitions add up.

    ``missing`` counts NULL, NaN and infinite values (Evidently drops them before testing).
    Numeric columns carry counts per bin of ``edges`` (the binning convention above), the
    range and the moments; categorical columns, and numeric columns with few distinct values,
    carry counts per distinct value in ``values`` (sorted).
    """

    kind: ColumnKind
    rows: int
    missing: int
    edges: tuple[float, ...] = ()
    bins: tuple[int, ...] = ()
    values: tuple[tuple[CountKey, int], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    moments: Moments | None = None

    @property
    def n(self) -> int:
        """Non-missing rows."""
        return self.rows - self.missing

    def merge(self, other: ColumnCounts) -> ColumnCounts:
        """The counts of both windows (or partitions) together."""
        if (other.kind, other.edges) != (self.kind, self.edges):
            raise ValueError("only counts of the same column kind and bin edges add up")
        if (self.bins or other.bins) and len(self.bins) != len(other.bins):
            raise ValueError("counts per bin of different lengths do not add up")
        values: dict[CountKey, int] = dict(self.values)
        for key, count in other.values:
            values[key] = values.get(key, 0) + count
        moments = self.moments
        if moments is None or other.moments is None:
            moments = moments or other.moments
        else:
            moments = moments.merge(other.moments)
        return ColumnCounts(
            self.kind,
            self.rows + other.rows,
            self.missing + other.missing,
            self.edges,
            tuple(a + b for a, b in zip(self.bins, other.bins, strict=True)),
            sorted_values(values),
            _combine(min, self.minimum, other.minimum),
            _combine(max, self.maximum, other.maximum),
            moments,
        )


def sorted_values(counts: Mapping[CountKey, int]) -> tuple[tuple[CountKey, int], ...]:
    """Counts per distinct value in the order reports and tests use (numbers, then labels)."""
    return tuple(sorted(counts.items(), key=lambda item: _value_order(item[0])))


@dataclass(frozen=True, slots=True)
class FineHistogram:
    """Counts on a ``FineGrid``: ``grid.bins + 2`` of them, the open outer bins included."""

    grid: FineGrid
    counts: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.counts) != self.grid.bins + 2:
            raise ValueError(
                f"a grid of {self.grid.bins} bins needs {self.grid.bins + 2} counts, "
                f"got {len(self.counts)}"
            )


# ------------------------------------------------------------------ the reference profile


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    """A column of the reference window: its counts, distinct values and fine histogram."""

    name: str
    counts: ColumnCounts
    n_unique: int | None
    """Distinct non-missing values in the reference; ``None`` for a numeric column with more
    than ``DISCRETE_MAX_UNIQUE`` (the scan counts them only up to there)."""
    integer: bool = False
    """The column has an integer type (Evidently's Sturges width floor may apply)."""
    fine: FineHistogram | None = None
    """Continuous numeric columns: a fine histogram over the reference range, so that KS and
    Wasserstein can be approximated (within bounds) without the reference rows."""

    @property
    def kind(self) -> ColumnKind:
        return self.counts.kind

    @property
    def discrete(self) -> bool:
        """Binned per distinct value (categorical, or numeric with few reference values)."""
        return self.kind == "categorical" or (
            self.n_unique is not None and self.n_unique <= DISCRETE_MAX_UNIQUE
        )


@dataclass(frozen=True)
class ReferenceProfile:
    """Everything drift needs from the reference window, computed once and stored as JSON.

    Numeric columns with more than ``DISCRETE_MAX_UNIQUE`` distinct values keep Charter's
    bins: inner edges from the reference deciles (``quantile_edges``), open outer bins.
    ``quantiles`` says how they were computed: ``"exact"`` (numpy's linear interpolation, on
    every engine since the scans work on a fine grid, ``metrics.fine_grid``) or
    ``"approximate"`` (profiles written by earlier versions on Spark, ``approx_percentile``).
    Re-using a stored profile keeps the bins fixed across engines and over time.
    """

    source: str
    rows: int
    columns: tuple[ColumnProfile, ...]
    quantiles: Literal["exact", "approximate"] = "exact"
    time: str | None = None
    window: tuple[date, date] | None = None

    def column(self, name: str) -> ColumnProfile:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (floats round-trip exactly through ``json``)."""
        return {
            "schema": PROFILE_SCHEMA,
            "source": self.source,
            "rows": self.rows,
            "quantiles": self.quantiles,
            "time": self.time,
            "window": None if self.window is None else [d.isoformat() for d in self.window],
            "columns": [_column_json(c) for c in self.columns],
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> ReferenceProfile:
        """Read ``to_json`` output back; ``ValueError`` names the first thing wrong."""
        return _profile_from_json(document)


def _column_json(column: ColumnProfile) -> dict[str, Any]:
    counts = column.counts
    fine = column.fine
    return {
        "name": column.name,
        "kind": counts.kind,
        "rows": counts.rows,
        "missing": counts.missing,
        "n_unique": column.n_unique,
        "integer": column.integer,
        "edges": list(counts.edges),
        "bins": [int(b) for b in counts.bins],
        "values": [[key, int(count)] for key, count in counts.values],
        "min": counts.minimum,
        "max": counts.maximum,
        "moments": None
        if counts.moments is None
        else {
            "n": counts.moments.n,
            "shift": counts.moments.shift,
            "sum": counts.moments.total,
            "sum_of_squares": counts.moments.total_of_squares,
        },
        "fine": None
        if fine is None
        else {
            "lo": fine.grid.lo,
            "hi": fine.grid.hi,
            "bins": fine.grid.bins,
            # sparse: [position, count] for the non-empty bins
            "counts": [[i, int(c)] for i, c in enumerate(fine.counts) if c],
        },
    }


class _Reader:
    """Typed access to a JSON object, with errors that say where in the profile."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, Mapping):
            raise ValueError(f"reference profile: {where} must be an object")
        self.data, self.where = data, where

    def raw(self, key: str) -> Any:
        if key not in self.data:
            raise ValueError(f"reference profile: {self.where} has no '{key}'")
        return self.data[key]

    def count(self, key: str) -> int:
        return _count(self.raw(key), f"{self.where}.{key}")

    def number(self, key: str) -> float:
        return _number(self.raw(key), f"{self.where}.{key}")

    def optional_number(self, key: str) -> float | None:
        value = self.raw(key)
        return None if value is None else _number(value, f"{self.where}.{key}")

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str):
            raise ValueError(f"reference profile: {self.where}.{key} must be a string")
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self.raw(key) is None else self.text(key)

    def items(self, key: str) -> list[Any]:
        value = self.raw(key)
        if not isinstance(value, list):
            raise ValueError(f"reference profile: {self.where}.{key} must be a list")
        return value


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"reference profile: {where} must be a non-negative integer")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"reference profile: {where} must be a finite number")
    return float(value)


def _profile_from_json(document: Mapping[str, Any]) -> ReferenceProfile:
    top = _Reader(document, "document")
    schema = document.get("schema") if isinstance(document, Mapping) else None
    if schema != PROFILE_SCHEMA:
        raise ValueError(
            f"reference profile: schema is {schema!r}, expected {PROFILE_SCHEMA!r} "
            "(a file written by reference_profile(...).to_json())"
        )
    quantiles = top.text("quantiles")
    if quantiles not in ("exact", "approximate"):
        raise ValueError("reference profile: quantiles must be 'exact' or 'approximate'")
    window_value = top.raw("window")
    window: tuple[date, date] | None = None
    if window_value is not None:
        try:
            start, end = (date.fromisoformat(d) for d in window_value)
        except (TypeError, ValueError):
            raise ValueError(
                "reference profile: window must be two ISO dates [start, end]"
            ) from None
        window = (start, end)
    columns = tuple(
        _column_from_json(_Reader(item, f"columns[{i}]"))
        for i, item in enumerate(top.items("columns"))
    )
    if not columns:
        raise ValueError("reference profile: columns is empty")
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ValueError("reference profile: a column name appears twice")
    rows = top.count("rows")
    for column in columns:
        if column.counts.rows != rows:
            raise ValueError(
                f"reference profile: column '{column.name}' counts {column.counts.rows} rows, "
                f"the profile {rows}"
            )
    return ReferenceProfile(
        source=top.text("source"),
        rows=rows,
        columns=columns,
        quantiles="exact" if quantiles == "exact" else "approximate",
        time=top.optional_text("time"),
        window=window,
    )


def _column_from_json(column: _Reader) -> ColumnProfile:
    name = column.text("name")
    where = f"column '{name}'"
    kind = column.raw("kind")
    if kind not in ("numerical", "categorical"):
        raise ValueError(f"reference profile: {where} kind must be 'numerical' or 'categorical'")
    rows, missing = column.count("rows"), column.count("missing")
    if missing > rows:
        raise ValueError(f"reference profile: {where} has more missing values than rows")
    if missing == rows:
        raise ValueError(f"reference profile: {where} has no non-missing value")
    edges = tuple(_number(e, f"{where} edges") for e in column.items("edges"))
    if any(a >= b for a, b in itertools.pairwise(edges)):
        raise ValueError(f"reference profile: {where} edges must be strictly increasing")
    bins = tuple(_count(b, f"{where} bins") for b in column.items("bins"))
    values = tuple(_value_pair(v, kind, where) for v in column.items("values"))
    moments_value = column.raw("moments")
    moments = None
    if moments_value is not None:
        m = _Reader(moments_value, f"{where} moments")
        moments = Moments(
            m.count("n"), m.number("shift"), m.number("sum"), m.number("sum_of_squares")
        )
    counts = ColumnCounts(
        kind="numerical" if kind == "numerical" else "categorical",
        rows=rows,
        missing=missing,
        edges=edges,
        bins=bins,
        values=values,
        minimum=column.optional_number("min"),
        maximum=column.optional_number("max"),
        moments=moments,
    )
    n_unique = None if column.raw("n_unique") is None else column.count("n_unique")
    if n_unique is not None and n_unique < 1:
        raise ValueError(f"reference profile: {where} n_unique must be at least 1")
    if n_unique is None and kind == "categorical":
        raise ValueError(f"reference profile: {where} is categorical and needs n_unique")
    integer = column.raw("integer")
    if not isinstance(integer, bool):
        raise ValueError(f"reference profile: {where} integer must be true or false")
    profile = ColumnProfile(name, counts, n_unique, integer, _fine_from_json(column, where))
    _check_column(profile, where)
    return profile


def _value_pair(item: Any, kind: str, where: str) -> tuple[CountKey, int]:
    if not isinstance(item, list) or len(item) != 2:
        raise ValueError(f"reference profile: {where} values must be [value, count] pairs")
    key, count = item
    if kind == "categorical" and not isinstance(key, str):
        raise ValueError(f"reference profile: {where} categories must be strings")
    return (key if kind == "categorical" else _number(key, f"{where} values")), _count(
        count, f"{where} values"
    )


def _fine_from_json(column: _Reader, where: str) -> FineHistogram | None:
    value = column.raw("fine")
    if value is None:
        return None
    fine = _Reader(value, f"{where} fine")
    lo, hi, n_bins = fine.number("lo"), fine.number("hi"), fine.count("bins")
    try:
        grid = FineGrid(lo, hi, n_bins)
    except ValueError as exc:
        raise ValueError(f"reference profile: {where} fine: {exc}") from None
    counts = [0] * (grid.bins + 2)
    for pair in fine.items("counts"):
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"reference profile: {where} fine counts must be [position, count]")
        position = _count(pair[0], f"{where} fine position")
        if position >= len(counts):
            raise ValueError(f"reference profile: {where} fine position {position} is off the grid")
        counts[position] = _count(pair[1], f"{where} fine counts")
    return FineHistogram(grid, tuple(counts))


def _check_column(column: ColumnProfile, where: str) -> None:
    counts = column.counts
    n = counts.n
    if counts.kind == "categorical":
        if counts.edges or counts.bins or counts.moments is not None or column.fine is not None:
            raise ValueError(f"reference profile: {where} is categorical but has numeric data")
    else:
        if len(counts.bins) != len(counts.edges) + 1:
            raise ValueError(
                f"reference profile: {where} has {len(counts.edges)} edges but "
                f"{len(counts.bins)} bins (expected one more bin than edges)"
            )
        if sum(counts.bins) != n:
            raise ValueError(f"reference profile: {where} bins do not add up to its values")
        if counts.moments is None or counts.moments.n != n:
            raise ValueError(f"reference profile: {where} moments must count its {n} values")
        if counts.minimum is None or counts.maximum is None or counts.minimum > counts.maximum:
            raise ValueError(f"reference profile: {where} needs min <= max")
        if column.fine is not None and sum(column.fine.counts) != n:
            raise ValueError(f"reference profile: {where} fine counts do not add up to its values")
    if column.discrete:
        if sum(c for _, c in counts.values) != n:
            raise ValueError(f"reference profile: {where} values do not add up to its values")
        if len(counts.values) != column.n_unique:
            raise ValueError(
                f"reference profile: {where} lists {len(counts.values)} values, "
                f"n_unique is {column.n_unique}"
            )
    elif counts.values:
        raise ValueError(f"reference profile: {where} has too many distinct values to list them")


# --------------------------------------------------------- KS and Wasserstein from the engine


@dataclass(frozen=True, slots=True)
class NumericDistances:
    """KS and Wasserstein-1 of a numeric column and how they were obtained.

    ``method="exact"`` (counts per distinct value, or the engine's sort): the bounds are 0.
    ``method="histogram"``: from a fine histogram, with ``ks_histogram_bound`` and
    ``wasserstein_histogram_bound`` on the error of D and W1.
    """

    method: DistanceMethod
    ks: KsResult
    wasserstein: float
    ks_bound: float = 0.0
    wasserstein_bound: float = 0.0
    n_unique: int | None = None
    """Distinct values over both windows, when the computation saw them."""


def distances_from_values(
    values: Sequence[float] | FloatArray, reference: Counts, current: Counts
) -> NumericDistances:
    """Exact KS (``ks_exact``, scipy's ``auto`` method) and W1 from counts per distinct value."""
    r, c = _count_pair(reference, current)
    seen = (r + c) > 0
    v = np.asarray(values, dtype=np.float64)[seen]
    ks = ks_exact(v, r[seen], c[seen])
    return NumericDistances("exact", ks, wasserstein_exact(v, r[seen], c[seen]), 0.0, 0.0, v.size)


def exact_distances(
    statistic: float,
    wasserstein: float,
    n_reference: int,
    n_current: int,
    n_unique: int | None = None,
) -> NumericDistances:
    """Exact D and W1 computed elsewhere (``fine_grid.grid_distances``); the p-value is
    scipy's asymptotic one (``ks_2samp`` uses it above 10,000 rows), where ``ks_p_value``
    says it is needed."""
    p_value = ks_p_value(statistic, n_reference, n_current)
    return NumericDistances(
        "exact", KsResult(statistic, p_value, "asymp"), wasserstein, 0.0, 0.0, n_unique
    )


def distances_from_histogram(
    grid: FineGrid, reference: Counts, current: Counts, *, lo: float, hi: float
) -> NumericDistances:
    """D and W1 from counts on ``grid`` (``grid.bins + 2`` each), with their error bounds.

    ``lo``/``hi`` are the minimum and maximum over both windows; the open outer bins of the
    grid reach them.
    """
    inner = grid.edges()
    lo, hi = min(lo, grid.lo), max(hi, grid.hi)
    r, c = _count_pair(reference, current)
    statistic = ks_from_histogram(r, c)
    ks = KsResult(statistic, ks_p_value(statistic, int(r.sum()), int(c.sum())), "asymp")
    return NumericDistances(
        "histogram",
        ks,
        wasserstein_from_histogram(inner, lo, hi, r, c),
        ks_histogram_bound(r, c),
        wasserstein_histogram_bound(inner, lo, hi, r, c),
    )


# ------------------------------------------------------------------------ the drift report


@dataclass(frozen=True, slots=True)
class BinShare:
    """One bin of a column: ``[lower, upper)`` for numeric bins (``None`` = open), or a
    distinct ``value``; with the reference and current counts."""

    reference: int
    current: int
    lower: float | None = None
    upper: float | None = None
    value: CountKey | None = None


@dataclass(frozen=True, slots=True)
class ColumnDrift:
    """Drift of one column: Evidently's default test and Charter's fixed set of scores.

    ``statistic``/``p_value`` belong to ``test``; a p-value test decides on ``p_value``, a
    distance on ``statistic`` (``is_drifted``). PSI and Jensen-Shannon (natural log) use
    ``bins``; KS and Wasserstein (numeric only) use the values themselves, exactly or from
    a fine histogram (``method``).
    """

    column: str
    kind: ColumnKind
    binned_by: Literal["quantiles", "sturges", "values"]
    bins: tuple[BinShare, ...]
    test: DriftTest
    statistic: float
    p_value: float | None
    drifted: bool
    psi: float
    js: float
    chi_square: StatTestResult | None
    ks: KsResult | None
    wasserstein: float | None
    wasserstein_norm: float | None
    method: DistanceMethod | None
    ks_bound: float | None
    wasserstein_bound: float | None
    reference_n: int
    current_n: int
    reference_missing: int
    current_missing: int
    n_unique: int | None
    """Distinct values over both windows (``None`` unless they were counted per value)."""
    n_unique_reference: int | None
    reference_std: float | None
    current_std: float | None


@dataclass(frozen=True)
class DriftReport:
    """Per-column drift and the dataset-level decision (``dataset_drift``, share 0.5)."""

    columns: tuple[ColumnDrift, ...]
    reference_rows: int
    current_rows: int
    binning: Binning
    drift_share: float
    share_drifted: float
    dataset_drift: bool
    profile: ReferenceProfile
    time: str | None = None
    reference_window: tuple[date, date] | None = None
    current_window: tuple[date, date] | None = None

    def column(self, name: str) -> ColumnDrift:
        for column in self.columns:
            if column.column == name:
                return column
        raise KeyError(name)


def compare_windows(
    profile: ReferenceProfile,
    current: Mapping[str, ColumnCounts],
    distances: Mapping[str, NumericDistances],
    *,
    current_rows: int,
    binning: Binning = "charter",
    reference: Mapping[str, ColumnCounts] | None = None,
    drift_share: float = 0.5,
    time: str | None = None,
    current_window: tuple[date, date] | None = None,
) -> DriftReport:
    """The drift report from count tables.

    ``current`` holds each profiled column's counts in the current window, on the same edges
    as its reference counts: the profile's (Charter binning), or, with ``reference`` given,
    Evidently's Sturges edges applied to both windows. ``distances`` holds KS and W1 of the
    continuous numeric columns; few-valued numeric columns get exact ones from their counts
    per value.
    """
    results = []
    for column in profile.columns:
        if column.name not in current:
            raise ValueError(f"no current counts for column '{column.name}'")
        ref = reference[column.name] if reference and column.name in reference else column.counts
        results.append(
            compare_column(
                column, ref, current[column.name], distances.get(column.name), binning=binning
            )
        )
    decision = dataset_drift([r.drifted for r in results], drift_share)
    return DriftReport(
        columns=tuple(results),
        reference_rows=profile.rows,
        current_rows=current_rows,
        binning=binning,
        drift_share=drift_share,
        share_drifted=decision.share_drifted,
        dataset_drift=decision.drifted,
        profile=profile,
        time=time,
        reference_window=profile.window,
        current_window=current_window,
    )


def compare_column(
    column: ColumnProfile,
    reference: ColumnCounts,
    current: ColumnCounts,
    distances: NumericDistances | None = None,
    *,
    binning: Binning = "charter",
) -> ColumnDrift:
    """One column's drift from its reference and current counts (see ``compare_windows``)."""
    if current.n == 0:
        raise ValueError(f"column '{column.name}' has no non-missing value in the current window")
    numeric = column.kind == "numerical"
    if column.discrete:
        keys, r, c = _value_bins(reference.values, current.values)
        bins = tuple(BinShare(int(a), int(b), value=k) for k, a, b in zip(keys, r, c, strict=True))
        binned_by: Literal["quantiles", "sturges", "values"] = "values"
        n_unique: int | None = len(keys)
        if numeric:
            distances = distances_from_values([float(k) for k in keys], r, c)
    else:
        if reference.edges != current.edges:
            raise ValueError(f"column '{column.name}': reference and current bins differ")
        r = np.asarray(reference.bins, dtype=np.float64)
        c = np.asarray(current.bins, dtype=np.float64)
        bounds = (None, *reference.edges, None)
        bins = tuple(
            BinShare(int(a), int(b), lower=bounds[i], upper=bounds[i + 1])
            for i, (a, b) in enumerate(zip(r, c, strict=True))
        )
        binned_by = "sturges" if binning == "evidently" else "quantiles"
        if distances is None:
            raise ValueError(f"column '{column.name}' needs KS and Wasserstein distances")
        n_unique = distances.n_unique
    # n_unique only steers the test choice below 6; a continuous column has > 20 reference values
    seen = column.n_unique if n_unique is None else n_unique
    test = default_test(column.kind, reference.n, DISCRETE_MAX_UNIQUE + 1 if seen is None else seen)
    chi = chi_square(r, c) if column.discrete else None
    ref_std = reference.moments.std if numeric and reference.moments else None
    w_norm = None
    if distances is not None:
        w_norm = wasserstein_norm(distances.wasserstein, ref_std or 0.0)
    statistic, p_value = _test_value(test, r, c, chi, distances, w_norm)
    return ColumnDrift(
        column=column.name,
        kind=column.kind,
        binned_by=binned_by,
        bins=bins,
        test=test,
        statistic=statistic,
        p_value=p_value,
        drifted=is_drifted(test, statistic if p_value is None else p_value),
        psi=psi(r, c),
        js=jensen_shannon_distance(r, c),
        chi_square=chi,
        ks=None if distances is None else distances.ks,
        wasserstein=None if distances is None else distances.wasserstein,
        wasserstein_norm=w_norm,
        method=None if distances is None else distances.method,
        ks_bound=None if distances is None else distances.ks_bound,
        wasserstein_bound=None if distances is None else distances.wasserstein_bound,
        reference_n=reference.n,
        current_n=current.n,
        reference_missing=reference.missing,
        current_missing=current.missing,
        n_unique=n_unique,
        n_unique_reference=column.n_unique,
        reference_std=ref_std,
        current_std=current.moments.std if numeric and current.moments else None,
    )


def _test_value(
    test: DriftTest,
    r: FloatArray,
    c: FloatArray,
    chi: StatTestResult | None,
    distances: NumericDistances | None,
    w_norm: float | None,
) -> tuple[float, float | None]:
    if test.name == "ks":
        assert distances is not None
        return distances.ks.statistic, distances.ks.p_value
    if test.name == "chisquare":
        assert chi is not None
        return chi.statistic, chi.p_value
    if test.name == "z":
        # Evidently codes the first sorted value as 0 and every other value as 1
        z = two_proportion_z(int(r.sum() - r[0]), int(r.sum()), int(c.sum() - c[0]), int(c.sum()))
        return z.statistic, z.p_value
    if test.name == "wasserstein":
        assert w_norm is not None
        return w_norm, None
    return jensen_shannon_distance(r, c), None


def _value_bins(
    reference: Sequence[tuple[CountKey, int]], current: Sequence[tuple[CountKey, int]]
) -> tuple[list[CountKey], FloatArray, FloatArray]:
    """Counts per value over the values of both windows (new values become their own bins)."""
    ref, cur = dict(reference), dict(current)
    keys = [k for k, _ in sorted_values(dict.fromkeys((*ref, *cur), 0))]
    r = np.array([ref.get(k, 0) for k in keys], dtype=np.float64)
    c = np.array([cur.get(k, 0) for k in keys], dtype=np.float64)
    return keys, r, c


def _value_order(key: CountKey) -> tuple[int, float, str]:
    if isinstance(key, str):
        return (1, 0.0, key)
    return (0, float(key), "")


def _combine(
    pick: Callable[[float, float], float], a: float | None, b: float | None
) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return pick(a, b)
