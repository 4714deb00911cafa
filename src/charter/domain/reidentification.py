"""The verdict on a table's re-identification risk: k, l and (optionally) t against limits.

The figures come from ``charter.metrics.reidentification``; this module only decides which
of them break the guideline pack's thresholds (PRIV-05: k >= 5, l >= 2 by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charter.metrics.reidentification import Reidentification


@dataclass(frozen=True)
class RiskLimits:
    k: int = 5
    """Smallest equivalence class allowed."""
    l: int = 2  # noqa: E741 - the letter of l-diversity
    """Fewest distinct sensitive values allowed in a class."""
    t: float | None = None
    """Largest distance between a class's sensitive distribution and the table's (no limit
    unless set)."""


@dataclass(frozen=True)
class RiskBreach:
    metric: str
    """``k``, ``l`` or ``t``."""
    attribute: str | None
    """The sensitive attribute (``l`` and ``t``)."""
    value: float
    limit: float
    message: str


def judge_reidentification(report: Reidentification, limits: RiskLimits) -> list[RiskBreach]:
    """Every limit the table breaks, with a message that gives sizes, never values."""
    breaches: list[RiskBreach] = []
    sizes = report.sizes
    columns = ", ".join(report.quasi_identifiers)
    if sizes.k < limits.k:
        breaches.append(
            RiskBreach(
                "k",
                None,
                sizes.k,
                limits.k,
                f"k = {sizes.k} over ({columns}): {sizes.rows_below_target:,} of "
                f"{sizes.rows:,} rows ({sizes.share_below_target:.1%}) sit in "
                f"{_classes(sizes.classes_below_target)} smaller than {limits.k}, "
                f"{sizes.unique_rows:,} of them alone (prosecutor risk up to "
                f"{sizes.prosecutor_max:.0%})",
            )
        )
    for spread in report.sensitive:
        if spread.l_distinct < limits.l:
            breaches.append(
                RiskBreach(
                    "l",
                    spread.attribute,
                    spread.l_distinct,
                    limits.l,
                    f"l = {spread.l_distinct} for '{spread.attribute}': "
                    f"{_classes(spread.classes_below_l)} ({spread.rows_below_l:,} rows) "
                    f"{'has' if spread.classes_below_l == 1 else 'have'} fewer than {limits.l} "
                    "distinct values, so membership reveals the value",
                )
            )
        if limits.t is not None and spread.t > limits.t:
            breaches.append(
                RiskBreach(
                    "t",
                    spread.attribute,
                    spread.t,
                    limits.t,
                    f"t = {spread.t:.3f} for '{spread.attribute}' (limit {limits.t:g}): a class "
                    f"of {spread.worst_t_class_size:,} rows differs that far from the table",
                )
            )
    return breaches


def _classes(count: int) -> str:
    return f"{count:,} class" if count == 1 else f"{count:,} classes"
