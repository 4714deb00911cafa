"""An audit run: results, findings, and the score and status rules (frozen contract)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from charter.domain.findings import Finding
from charter.domain.guidelines import Cutoffs
from charter.domain.monitoring import Measurement
from charter.domain.status import Principle, Severity, Status, Verdict


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check run on one target (a system, a system's use cases, or the workspace)."""

    pack: str
    requirement: str
    check: str
    system: str | None
    status: Status
    duration_ms: float
    evidence: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    measurements: tuple[Measurement, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    """A requirement judged on one target: the unit the score counts."""

    pack: str
    requirement: str
    principle: Principle
    severity: Severity
    system: str | None
    status: Status
    weight: float


@dataclass(frozen=True, slots=True)
class ScoreLine:
    score: float | None
    """0-100, None when nothing was assessed."""
    status: Verdict
    findings: int
    assessed: int
    applicable: int

    @property
    def coverage(self) -> float:
        return self.assessed / self.applicable if self.applicable else 0.0


def score_of(
    assessments: Iterable[Assessment],
    findings: Iterable[Finding],
    cutoffs: Cutoffs,
    has_breakdown: bool,
) -> ScoreLine:
    """Score = 100 x (1 - failed weight / assessed weight).

    ``not_applicable`` and ``not_assessed`` leave both sums; every other non-pass counts as
    failed. Status: ``non_compliant`` on any critical finding or a score under the lower
    cut-off; ``at_risk`` on any high finding, any error/incomplete, a score under the upper
    cut-off, or requirements that apply but none assessed (no evidence, no claim of
    compliance); ``compliant`` otherwise (also when nothing applies). Cut-offs compare the
    unrounded score.
    """
    items = list(assessments)
    found = list(findings)
    assessed = [a for a in items if a.status.is_assessed]
    applicable = [a for a in items if a.status is not Status.NOT_APPLICABLE]
    total = sum(a.weight for a in assessed)
    failed = sum(a.weight for a in assessed if a.status is not Status.PASS)
    exact = 100.0 * (1.0 - failed / total) if total > 0 else None
    severities = {f.severity for f in found}
    if Severity.CRITICAL in severities or (exact is not None and exact < cutoffs.lower):
        verdict = Verdict.NON_COMPLIANT
    elif (
        Severity.HIGH in severities
        or has_breakdown
        # Something applies but nothing was assessed: no evidence, no claim of compliance.
        or (exact is None and bool(applicable))
        or (exact is not None and exact < cutoffs.upper)
    ):
        verdict = Verdict.AT_RISK
    else:
        verdict = Verdict.COMPLIANT
    score = round(exact, 2) if exact is not None else None
    return ScoreLine(score, verdict, len(found), len(assessed), len(applicable))


def strictest_cutoffs(cutoffs: Iterable[Cutoffs]) -> Cutoffs:
    """With several packs, the summary uses the highest cut-offs of any pinned pack."""
    items = list(cutoffs)
    return Cutoffs(lower=max(c.lower for c in items), upper=max(c.upper for c in items))


@dataclass(frozen=True, slots=True)
class Comparison:
    """How this run differs from the previous comparable run."""

    previous_run_id: str | None
    new: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    still_failing: tuple[str, ...] = ()
    """Fingerprints in each class."""


@dataclass(frozen=True)
class AuditReport:
    run_id: str
    started_at: datetime
    finished_at: datetime
    as_of: date
    partner: str
    guidelines: tuple[tuple[str, str], ...]
    """(pack, version) pairs audited against."""
    actor: str | None
    system_filter: str | None
    systems: tuple[str, ...]
    results: tuple[CheckResult, ...]
    assessments: tuple[Assessment, ...]
    findings: tuple[Finding, ...]
    overall: ScoreLine
    by_principle: dict[Principle, ScoreLine]
    comparison: Comparison = Comparison(None)
    scope: str = ""
    """Which earlier runs this one compares with (partner, system filter, pack ids)."""

    @property
    def by_severity(self) -> dict[Severity, int]:
        counts = dict.fromkeys(Severity, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    @property
    def has_breakdown(self) -> bool:
        return any(r.status.is_breakdown for r in self.results)

    def gate_fails(self, fail_on: Severity) -> bool:
        """Exit-code rule: findings at or above ``fail_on``, or any error/incomplete result."""
        return self.has_breakdown or any(f.severity.at_least(fail_on) for f in self.findings)
