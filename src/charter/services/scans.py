"""Standalone evidence scans (``charter scan``): run the scanner, judge the result with the
guideline pack's thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from charter.domain.ports import PackLibrary
from charter.domain.reidentification import RiskBreach, RiskLimits, judge_reidentification
from charter.domain.scans import (
    Breach,
    DecisionColumns,
    DriftBreach,
    DriftSpec,
    DriftThresholds,
    EvidenceScanner,
    FairnessThresholds,
    ImpressionColumns,
    judge_drift,
    judge_fairness,
)
from charter.domain.status import Status, worst_status
from charter.domain.systems import DecisionType
from charter.metrics.drift import DriftReport, ReferenceProfile
from charter.metrics.exposure import ExposureReport, exposure_report
from charter.metrics.fairness import (
    BootstrapIntervals,
    FairnessReport,
    FairnessSpec,
    assess,
    bootstrap_intervals,
)
from charter.metrics.reidentification import Discovery, Reidentification
from charter.services.validation import pack_for_ref

FAIRNESS_PACK = "partner-ai-usage"
FAIRNESS_CHECK = "fairness.classification_parity"
EXPOSURE_CHECK = "fairness.exposure_parity"


@dataclass(frozen=True)
class FairnessScanResult:
    report: FairnessReport
    thresholds: FairnessThresholds
    decision_type: DecisionType
    breaches: list[Breach]
    bootstrap: BootstrapIntervals | None = None

    @property
    def status(self) -> Status:
        return verdict_of(self.breaches)


def verdict_of(breaches: list[Breach]) -> Status:
    return worst_status([b.status for b in breaches]) if breaches else Status.PASS


def check_thresholds(library: PackLibrary, pack_ref: str, check_id: str) -> dict[str, object]:
    """The thresholds a pack (latest version unless ``pack@version``) gives a check; empty
    when the pack does not use it."""
    return pack_for_ref(library, pack_ref).check_thresholds(check_id)


def pack_fairness_thresholds(
    library: PackLibrary, pack_ref: str = FAIRNESS_PACK
) -> FairnessThresholds:
    """The thresholds of ``fairness.classification_parity`` in a pack."""
    return thresholds_from(check_thresholds(library, pack_ref, FAIRNESS_CHECK))


def pack_exposure_threshold(library: PackLibrary, pack_ref: str = FAIRNESS_PACK) -> float:
    """The ``exposure_ratio`` minimum of ``fairness.exposure_parity`` (0.8 if unset)."""
    value = check_thresholds(library, pack_ref, EXPOSURE_CHECK).get("exposure_ratio", 0.8)
    return float(value) if isinstance(value, int | float) else 0.8


def thresholds_from(values: Mapping[str, object]) -> FairnessThresholds:
    default = FairnessThresholds()

    def number(name: str, fallback: float) -> float:
        value = values.get(name, fallback)
        return float(value) if isinstance(value, int | float) else fallback

    return FairnessThresholds(
        demographic_parity_ratio=number(
            "demographic_parity_ratio", default.demographic_parity_ratio
        ),
        equalized_odds_difference=number(
            "equalized_odds_difference", default.equalized_odds_difference
        ),
        min_group_size=int(number("min_group_size", default.min_group_size)),
    )


def scan_fairness(
    scanner: EvidenceScanner,
    source: str,
    columns: DecisionColumns,
    spec: FairnessSpec,
    thresholds: FairnessThresholds,
    decision_type: DecisionType = DecisionType.NONE,
    bootstrap: int = 0,
) -> FairnessScanResult:
    """Scan, assess and judge; with ``bootstrap`` replicates, add percentile intervals from
    a Poisson bootstrap done in the engine."""
    cells = scanner.decision_cells(source, columns)
    report = assess(cells, spec)
    intervals = (
        bootstrap_intervals(scanner.decision_bootstrap(source, columns, bootstrap), spec)
        if bootstrap
        else None
    )
    return FairnessScanResult(
        report,
        thresholds,
        decision_type,
        judge_fairness(report, thresholds, decision_type),
        intervals,
    )


@dataclass(frozen=True)
class ExposureScanResult:
    report: ExposureReport
    threshold: float

    @property
    def status(self) -> Status:
        value = self.report.exposure_ratio.value
        if value is None:
            return Status.INSUFFICIENT_EVIDENCE
        return Status.FAIL if value < self.threshold else Status.PASS


def scan_exposure(
    scanner: EvidenceScanner,
    source: str,
    columns: ImpressionColumns,
    threshold: float,
    catalogue: str | None = None,
) -> ExposureScanResult:
    tables = scanner.exposure_tables(source, columns, catalogue)
    return ExposureScanResult(exposure_report(tables), threshold)


DRIFT_CHECK = "monitoring.drift"


def pack_drift_thresholds(library: PackLibrary, pack_ref: str = FAIRNESS_PACK) -> DriftThresholds:
    """The ``psi`` and ``drifted_share`` limits of ``monitoring.drift`` in a pack."""
    values = check_thresholds(library, pack_ref, DRIFT_CHECK)
    default = DriftThresholds()
    psi, share = values.get("psi", default.psi), values.get("drifted_share", default.drifted_share)
    return DriftThresholds(
        psi=float(psi) if isinstance(psi, int | float) else default.psi,
        drifted_share=float(share) if isinstance(share, int | float) else default.drifted_share,
    )


@dataclass(frozen=True)
class DriftScanResult:
    report: DriftReport
    thresholds: DriftThresholds
    breaches: list[DriftBreach]

    @property
    def status(self) -> Status:
        return Status.FAIL if self.breaches else Status.PASS


def scan_drift(
    scanner: EvidenceScanner,
    current: str,
    spec: DriftSpec,
    thresholds: DriftThresholds,
    *,
    reference: str | None = None,
    profile: ReferenceProfile | None = None,
) -> DriftScanResult:
    report = scanner.drift(current, spec, reference, profile)
    return DriftScanResult(report, thresholds, judge_drift(report, thresholds))


REIDENTIFICATION_CHECK = "privacy.reidentification_risk"


def pack_risk_limits(library: PackLibrary, pack_ref: str = FAIRNESS_PACK) -> RiskLimits:
    """The ``k`` and ``l`` minimums of ``privacy.reidentification_risk`` in a pack."""
    values = check_thresholds(library, pack_ref, REIDENTIFICATION_CHECK)
    default = RiskLimits()
    k, l_min = values.get("k", default.k), values.get("l", default.l)
    return RiskLimits(
        k=int(k) if isinstance(k, int | float) else default.k,
        l=int(l_min) if isinstance(l_min, int | float) else default.l,
    )


@dataclass(frozen=True)
class ReidentificationScanResult:
    report: Reidentification | None
    """None when discovery found no quasi-identifier to assess."""
    limits: RiskLimits
    breaches: list[RiskBreach]
    discovery: Discovery | None = None

    @property
    def status(self) -> Status:
        if self.report is None:
            return Status.INSUFFICIENT_EVIDENCE
        return Status.FAIL if self.breaches else Status.PASS


def scan_reidentification(
    scanner: EvidenceScanner,
    source: str,
    limits: RiskLimits,
    quasi_identifiers: tuple[str, ...] = (),
    sensitive: tuple[str, ...] = (),
) -> ReidentificationScanResult:
    """Judge the declared quasi-identifiers; without any, discover them first (columns
    whose names suggest quasi-identifiers, plus the minimal risky combinations) and judge
    the suggested ones."""
    discovery = None
    if not quasi_identifiers:
        discovery = scanner.discover_quasi_identifiers(source, k=limits.k, exclude=sensitive)
        quasi_identifiers = discovery.suggested
        if not quasi_identifiers:
            return ReidentificationScanResult(None, limits, [], discovery)
    report = scanner.reidentification(
        source, quasi_identifiers, sensitive, k=limits.k, l_target=limits.l
    )
    return ReidentificationScanResult(
        report, limits, judge_reidentification(report, limits), discovery
    )
