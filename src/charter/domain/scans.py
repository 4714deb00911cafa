"""Evidence scans as checks and services see them: column roles, the scanner port, and the
fairness verdict (which disparity counts for which decision type, the fairness tree).

Statistics come from ``charter.metrics``, the pure layer below the domain; the engine that
produces the aggregates is an adapter behind ``EvidenceScanner``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from charter.domain.status import Status
from charter.domain.systems import DecisionType

if TYPE_CHECKING:
    # Only types: the statistics (pandas, scipy) load when a scan runs, not with every audit.
    from charter.metrics.cells import ConfusionCells
    from charter.metrics.drift import Binning, DriftReport, ReferenceProfile
    from charter.metrics.exposure import ExposureTables
    from charter.metrics.fairness import Disparity, FairnessReport, FeatureFairness, GroupKey
    from charter.metrics.record_ages import RecordAges
    from charter.metrics.reidentification import Discovery, Reidentification


@dataclass(frozen=True)
class DecisionColumns:
    """Which columns of a decision log play which role."""

    label: str
    prediction: str
    sensitive: tuple[str, ...]
    control: tuple[str, ...] = ()
    score: str | None = None
    time: str | None = None
    bucket: str | None = None
    """``day``, ``week`` or ``month``: cells per time bucket (windows and trends)."""

    @property
    def keys(self) -> tuple[str, ...]:
        bucket = (BUCKET_COLUMN,) if self.time and self.bucket else ()
        return (*bucket, *self.sensitive, *self.control)


BUCKET_COLUMN = "bucket"
Window = tuple[date, date]
"""First and last day of a window, both included."""


@dataclass(frozen=True)
class DriftSpec:
    """Which columns to compare, how to bin them and which rows form each window.

    A column is numeric unless it is listed in ``categorical`` or its type is not numeric
    (booleans are categorical). With ``time`` and a window, each source keeps the rows with
    ``start <= time < end + 1 day`` (both dates inclusive), so one log can hold both windows.
    ``binning="evidently"`` uses Evidently's Sturges edges over both windows instead of the
    stored reference deciles.
    """

    columns: tuple[str, ...]
    categorical: tuple[str, ...] = ()
    binning: Binning = "charter"
    time: str | None = None
    reference_window: Window | None = None
    current_window: Window | None = None


@dataclass(frozen=True)
class ImpressionColumns:
    """Which columns of an impression log play which role.

    A catalogue, when given, is read with the same ``item`` and ``group`` column names.
    """

    user: str
    item: str
    rank: str
    group: str
    relevance: str | None = None
    click: str | None = None
    user_group: str | None = None
    request: str | None = None
    k: int = 10
    """Cut-off for hits and NDCG (hit rate@k, NDCG@k)."""

    @property
    def gain(self) -> str | None:
        return self.relevance or self.click


class EvidenceScanner(Protocol):
    """The scan engine as checks and services use it. Sources are paths, globs, folders or
    ``URL#table``; unreadable input raises ``InputError`` naming the source."""

    @property
    def engine(self) -> str: ...

    def decision_cells(self, source: str, columns: DecisionColumns) -> ConfusionCells: ...

    def decision_bootstrap(
        self, source: str, columns: DecisionColumns, replicates: int
    ) -> list[ConfusionCells]: ...

    def exposure_tables(
        self, source: str, columns: ImpressionColumns, catalogue: str | None = None
    ) -> ExposureTables: ...

    def drift(
        self,
        current: str,
        spec: DriftSpec,
        reference: str | None = None,
        profile: ReferenceProfile | None = None,
    ) -> DriftReport:
        """Compare windows: ``reference`` defaults to ``current`` (one log, two windows);
        with a stored ``profile`` and no ``reference``, bins come from the profile."""
        ...

    def reidentification(
        self,
        source: str,
        quasi_identifiers: tuple[str, ...],
        sensitive: tuple[str, ...] = (),
        *,
        k: int = 5,
        l_target: int = 2,
    ) -> Reidentification:
        """Equivalence classes over the quasi-identifiers: sizes and the spread of each
        sensitive attribute (no quasi-identifier value leaves the engine)."""
        ...

    def discover_quasi_identifiers(
        self, source: str, *, k: int = 5, exclude: tuple[str, ...] = ()
    ) -> Discovery:
        """Identifier-like columns, name-suggested quasi-identifiers and the minimal column
        combinations that break k-anonymity."""
        ...

    def columns(self, source: str) -> tuple[str, ...]:
        """The source's column names."""
        ...

    def record_ages(self, source: str, column: str, cutoff: date) -> RecordAges:
        """Rows dated before ``cutoff`` by ``column``, and the oldest date."""
        ...


@dataclass(frozen=True)
class FairnessThresholds:
    demographic_parity_ratio: float = 0.8
    equalized_odds_difference: float = 0.1
    min_group_size: int = 30


@dataclass(frozen=True)
class Breach:
    """One disparity judged against its threshold."""

    feature: str
    metric: str
    value: float | None
    threshold: float
    direction: str
    status: Status
    groups: tuple[GroupKey, ...]
    interval: tuple[float, float] | None
    stratum: dict[str, str | None]
    message: str


ERROR_METRIC = {
    DecisionType.PUNITIVE: ("fpr_difference", "false positive rate difference"),
    DecisionType.ASSISTIVE: ("fnr_difference", "false negative rate difference"),
    DecisionType.NONE: ("equalized_odds_difference", "equalized odds difference"),
}
"""The fairness tree (Aequitas): a punitive decision harms through false positives, an
assistive one through false negatives (FNR parity is equal opportunity); with no decision
type, both error rates (equalized odds). Selection-rate parity is judged in every case."""


def judge_fairness(
    report: FairnessReport, thresholds: FairnessThresholds, decision_type: DecisionType
) -> list[Breach]:
    """Every judged disparity that fails, or that cannot be judged for lack of data.

    Disparities are judged over the groups with at least ``min_group_size`` rows; a smaller
    group makes the verdict ``insufficient_evidence``, never ``pass``.
    """
    results: list[Breach] = []
    for feature in report.features.values():
        results += _judge_feature(feature, thresholds, decision_type, {})
    for stratum in report.strata:
        for feature in stratum.features.values():
            results += _judge_feature(feature, thresholds, decision_type, stratum.control)
    return results


def _judge_feature(
    feature: FeatureFairness,
    thresholds: FairnessThresholds,
    decision_type: DecisionType,
    stratum: dict[str, str | None],
) -> list[Breach]:
    eligible = feature.eligible
    where = "".join(f" where {k}={v}" for k, v in stratum.items())
    breaches: list[Breach] = []
    if len(eligible.groups) < 2:
        return [
            Breach(
                feature.name,
                "min_group_size",
                float(len(eligible.groups)),
                thresholds.min_group_size,
                "min",
                Status.INSUFFICIENT_EVIDENCE,
                feature.small_groups,
                None,
                stratum,
                f"{feature.name}{where}: fewer than two groups have "
                f"{thresholds.min_group_size} rows or more",
            )
        ]
    metric, label = ERROR_METRIC[decision_type]
    candidates: list[tuple[str, str, Disparity, float, str]] = [
        (
            "demographic_parity_ratio",
            "demographic parity ratio",
            eligible.demographic_parity_ratio,
            thresholds.demographic_parity_ratio,
            "min",
        ),
        (
            metric,
            label,
            eligible.error_disparity(metric),
            thresholds.equalized_odds_difference,
            "max",
        ),
    ]
    for name, text, disparity, limit, direction in candidates:
        value = disparity.value
        if value is None:
            continue
        failed = value < limit if direction == "min" else value > limit
        if failed:
            groups = disparity.groups or ()
            breaches.append(
                Breach(
                    feature.name,
                    name,
                    value,
                    limit,
                    direction,
                    Status.FAIL,
                    groups,
                    disparity.interval,
                    stratum,
                    f"{feature.name}{where}: {text} {value:.3f} "
                    f"{'below' if direction == 'min' else 'above'} {limit:g} "
                    f"({_pair(groups)})",
                )
            )
    if feature.small_groups:
        breaches.append(
            Breach(
                feature.name,
                "min_group_size",
                float(min(_size(feature, g) for g in feature.small_groups)),
                thresholds.min_group_size,
                "min",
                Status.INSUFFICIENT_EVIDENCE,
                feature.small_groups,
                None,
                stratum,
                f"{feature.name}{where}: {len(feature.small_groups)} group(s) below "
                f"{thresholds.min_group_size} rows ({_names(feature.small_groups)}); "
                "no verdict rests on them",
            )
        )
    return breaches


def _size(feature: FeatureFairness, group: GroupKey) -> int:
    return next(g.counts.n for g in feature.groups if g.group == group)


def group_label(group: GroupKey) -> str:
    return "&".join("(missing)" if v is None else v for v in group) or "overall"


def _names(groups: Sequence[GroupKey]) -> str:
    return ", ".join(group_label(g) for g in groups)


def _pair(groups: Sequence[GroupKey]) -> str:
    return " vs ".join(group_label(g) for g in groups)


@dataclass(frozen=True)
class DriftThresholds:
    psi: float = 0.2
    """Largest acceptable PSI of a column (pack MON-02)."""
    drifted_share: float = 0.5
    """Dataset drift when at least this share of columns drifts (Evidently's rule)."""


@dataclass(frozen=True)
class DriftBreach:
    column: str | None
    """The column, or None for the dataset-level decision."""
    metric: str
    value: float
    threshold: float
    message: str


def judge_drift(report: DriftReport, thresholds: DriftThresholds) -> list[DriftBreach]:
    """Columns whose PSI exceeds the limit, and dataset drift: the share of columns that
    Evidently's default test flags reaching ``drifted_share``."""
    breaches = [
        DriftBreach(
            column.column,
            "psi",
            column.psi,
            thresholds.psi,
            f"{column.column}: PSI {column.psi:.3f} above {thresholds.psi:g} "
            f"({column.test.name} {column.statistic:.3g}"
            + (f", p={column.p_value:.3g}" if column.p_value is not None else "")
            + ")",
        )
        for column in report.columns
        if column.psi > thresholds.psi
    ]
    if report.columns and report.share_drifted >= thresholds.drifted_share:
        drifted = [c.column for c in report.columns if c.drifted]
        breaches.append(
            DriftBreach(
                None,
                "drifted_share",
                report.share_drifted,
                thresholds.drifted_share,
                f"dataset drift: {len(drifted)} of {len(report.columns)} columns drifted "
                f"({', '.join(drifted)}), share {report.share_drifted:.2f} reaches "
                f"{thresholds.drifted_share:g}",
            )
        )
    return breaches
