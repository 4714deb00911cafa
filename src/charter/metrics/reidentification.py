"""Re-identification risk of a table from its equivalence classes.

An equivalence class is the set of rows sharing every quasi-identifier value. The engine
hands over class sizes (and, per sensitive attribute, the count of each value inside each
class); no quasi-identifier value ever reaches this module, so the evidence built here
carries sizes and counts only.

Definitions (docs/privacy.md; ../shared/reference/privacy-and-pii.md section 5.1):

* k-anonymity: k = the smallest class size (Sweeney 2002).
* Prosecutor risk (the attacker knows the person is in the table): the risk of a record is
  1/|EC|; its maximum is 1/k and its average per record is J/n (J classes, n rows).
  pyCANON's ``average_rir`` averages 1/|EC| per class instead; it is reported too, under
  its own name, so the two are never confused.
* l-diversity (Machanavajjhala et al. 2007): distinct l = the fewest distinct sensitive
  values in a class; entropy l = min over classes of exp(H), H = -sum p ln p (pyCANON
  floors it to an integer; the exact value is kept here).
* t-closeness (Li et al. 2007): the largest Earth Mover's Distance between a class's
  sensitive distribution P and the whole table's Q. Categories at equal distance:
  EMD = 1/2 sum |p_i - q_i|; ordered (numeric) values: EMD = 1/(m-1) sum_i |sum_{j<=i}
  (p_j - q_j)| over the m distinct values in order.

A missing (NULL) value is a value of its own, in quasi-identifiers and sensitive attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_DENSE_CELLS = 4_000_000
"""Classes x values handled per step of the ordered EMD (bounds its memory)."""


@dataclass(frozen=True)
class ClassSizes:
    """How the rows fall into equivalence classes, judged against ``target`` k."""

    rows: int
    classes: int
    k: int
    target: int
    unique_rows: int
    """Rows alone in their class (sample uniques)."""
    rows_below_target: int
    classes_below_target: int
    prosecutor_max: float
    """1/k: the risk of the most exposed record."""
    prosecutor_average: float
    """J/n: the average over records of 1/|EC|."""
    class_average_risk: float
    """The average over classes of 1/|EC| (pyCANON's ``average_rir``)."""
    small_classes: tuple[tuple[int, int], ...]
    """(class size, number of classes of that size) for sizes under ``target``, smallest
    first; sizes only, never the values that make the class."""

    @property
    def share_below_target(self) -> float:
        return self.rows_below_target / self.rows if self.rows else 0.0

    @property
    def unique_share(self) -> float:
        return self.unique_rows / self.rows if self.rows else 0.0


@dataclass(frozen=True)
class SensitiveSpread:
    """How one sensitive attribute spreads inside the classes."""

    attribute: str
    ordered: bool
    """Numeric values: t uses the ordered EMD; otherwise categories at equal distance."""
    values: int
    """Distinct values in the whole table."""
    l_distinct: int
    l_entropy: float
    t: float
    target_l: int
    classes_below_l: int
    rows_below_l: int
    homogeneous: tuple[tuple[int, int, int], ...]
    """(class size, distinct values, number of classes) for classes with fewer than
    ``target_l`` distinct values, smallest diversity first."""
    worst_t_class_size: int
    """Size of the class farthest from the table's distribution."""


@dataclass(frozen=True)
class RiskyCombination:
    """A minimal set of columns whose classes break k-anonymity."""

    columns: tuple[str, ...]
    sizes: ClassSizes


@dataclass(frozen=True)
class Discovery:
    """What discovery found: identifier-like columns, the columns whose names suggest
    quasi-identifiers, and the minimal risky combinations among the candidates."""

    rows: int
    identifiers: tuple[str, ...]
    suggested: tuple[str, ...]
    candidates: tuple[str, ...]
    risky: tuple[RiskyCombination, ...]
    combinations_tried: int


@dataclass(frozen=True)
class Reidentification:
    quasi_identifiers: tuple[str, ...]
    sizes: ClassSizes
    sensitive: tuple[SensitiveSpread, ...]


def class_sizes(sizes: np.ndarray, target: int) -> ClassSizes:
    """Summarise class ``sizes`` (one count per class, each at least 1)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    sizes = sizes[sizes > 0]
    if sizes.size == 0:
        return ClassSizes(0, 0, 0, target, 0, 0, 0, 0.0, 0.0, 0.0, ())
    rows, classes = int(sizes.sum()), int(sizes.size)
    k = int(sizes.min())
    below = sizes[sizes < target]
    histogram = np.unique(below, return_counts=True)
    return ClassSizes(
        rows=rows,
        classes=classes,
        k=k,
        target=target,
        unique_rows=int((sizes == 1).sum()),
        rows_below_target=int(below.sum()),
        classes_below_target=int(below.size),
        prosecutor_max=1.0 / k,
        prosecutor_average=classes / rows,
        class_average_risk=float(np.mean(1.0 / sizes)),
        small_classes=tuple(zip(histogram[0].tolist(), histogram[1].tolist(), strict=True)),
    )


def sensitive_spread(
    attribute: str, cells: pd.DataFrame, *, ordered: bool, target_l: int
) -> SensitiveSpread:
    """Spread of one sensitive attribute from ``cells``: one row per (class, value) with
    columns ``cls`` (class id), ``value`` and ``n`` (rows). ``ordered`` sorts values for
    the ordered EMD (numeric attributes)."""
    cells = cells.loc[cells["n"] > 0, ["cls", "value", "n"]]
    if cells.empty:
        return SensitiveSpread(attribute, ordered, 0, 0, 0.0, 0.0, target_l, 0, 0, (), 0)
    value_codes, uniques = pd.factorize(cells["value"], sort=ordered, use_na_sentinel=False)
    class_codes, _ = pd.factorize(cells["cls"], sort=False)
    counts = cells["n"].to_numpy(dtype=np.float64)
    n_classes, n_values = int(class_codes.max()) + 1, len(uniques)
    sizes = np.bincount(class_codes, weights=counts, minlength=n_classes)
    distinct = np.bincount(class_codes, minlength=n_classes)
    p = counts / sizes[class_codes]
    entropy = -np.bincount(class_codes, weights=p * np.log(p), minlength=n_classes)
    q = np.bincount(value_codes, weights=counts, minlength=n_values)
    q = q / q.sum()
    if ordered and n_values > 1:
        emd = _ordered_emd(class_codes, value_codes, p, q, n_classes)
    elif n_values > 1:
        # 1/2 sum |p - q| over all values: values absent from a class contribute q_i.
        present = np.bincount(class_codes, weights=np.abs(p - q[value_codes]), minlength=n_classes)
        covered = np.bincount(class_codes, weights=q[value_codes], minlength=n_classes)
        emd = 0.5 * (present + 1.0 - covered)
    else:
        emd = np.zeros(n_classes)
    low = distinct < target_l
    groups = (
        pd.DataFrame({"size": sizes[low].astype(np.int64), "distinct": distinct[low]})
        .value_counts()
        .reset_index(name="classes")
        .sort_values(["distinct", "size"])
    )
    return SensitiveSpread(
        attribute=attribute,
        ordered=ordered,
        values=n_values,
        l_distinct=int(distinct.min()),
        l_entropy=float(np.exp(entropy.min())),
        t=float(max(emd.max(), 0.0)),
        target_l=target_l,
        classes_below_l=int(low.sum()),
        rows_below_l=int(sizes[low].sum()),
        homogeneous=tuple(
            (int(row.size), int(row.distinct), int(row.classes))
            for row in groups.itertuples(index=False)
        ),
        worst_t_class_size=int(sizes[int(np.argmax(emd))]),
    )


def _ordered_emd(
    class_codes: np.ndarray, value_codes: np.ndarray, p: np.ndarray, q: np.ndarray, n: int
) -> np.ndarray:
    """1/(m-1) sum_i |cumsum(P - Q)_i| per class, over dense blocks of classes."""
    m = q.size
    step = max(1, MAX_DENSE_CELLS // m)
    result = np.empty(n)
    order = np.argsort(class_codes, kind="stable")
    class_sorted = class_codes[order]
    bounds = np.searchsorted(class_sorted, np.arange(0, n + step, step))
    for block, first in enumerate(range(0, n, step)):
        last = min(first + step, n)
        rows = order[bounds[block] : bounds[block + 1]]
        flat = (class_codes[rows] - first) * m + value_codes[rows]
        dense = np.bincount(flat, weights=p[rows], minlength=(last - first) * m)
        dense = dense.reshape(last - first, m) - q
        result[first:last] = np.abs(np.cumsum(dense, axis=1)).sum(axis=1) / (m - 1)
    return result
