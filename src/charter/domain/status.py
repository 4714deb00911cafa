"""The closed vocabularies every part of Charter speaks: result status, severity, verdicts."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Outcome of one check on one target. The set is closed (frozen in ``charter.audit/v1``)."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    INCOMPLETE = "incomplete"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    NOT_ASSESSED = "not_assessed"
    NOT_APPLICABLE = "not_applicable"

    @property
    def produces_finding(self) -> bool:
        """Only ``pass`` and ``not_applicable`` produce no finding."""
        return self not in (Status.PASS, Status.NOT_APPLICABLE)

    @property
    def is_assessed(self) -> bool:
        """Whether the result enters the score (``not_applicable``/``not_assessed`` do not)."""
        return self not in (Status.NOT_APPLICABLE, Status.NOT_ASSESSED)

    @property
    def is_breakdown(self) -> bool:
        """The check could not finish: ``error`` or ``incomplete`` (exit 1, ``at_risk``)."""
        return self in (Status.ERROR, Status.INCOMPLETE)


# Which status wins when several results describe one requirement on one target:
# a failure outweighs a breakdown, a breakdown outweighs thin evidence, and so on.
_PRECEDENCE = (
    Status.FAIL,
    Status.ERROR,
    Status.INCOMPLETE,
    Status.INSUFFICIENT_EVIDENCE,
    Status.PASS,
    Status.NOT_ASSESSED,
    Status.NOT_APPLICABLE,
)


def worst_status(statuses: list[Status]) -> Status:
    """Combine statuses of the checks evidencing one requirement into the requirement's status.

    A requirement some of whose checks ran is judged on those; ``not_assessed`` only wins when
    nothing was assessed, and ``not_applicable`` only when every check said so.
    """
    if not statuses:
        return Status.NOT_ASSESSED
    return min(statuses, key=_PRECEDENCE.index)


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Larger is more severe: info 0 ... critical 4."""
        return _SEVERITY_ORDER.index(self)

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_ORDER = (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)


class Verdict(StrEnum):
    """Overall and per-principle compliance status of an audit."""

    COMPLIANT = "compliant"
    AT_RISK = "at_risk"
    NON_COMPLIANT = "non_compliant"


class Principle(StrEnum):
    """The ten principles requirements are grouped under (DESIGN.md, Guideline packs)."""

    DOC = "DOC"
    PRIV = "PRIV"
    TRAN = "TRAN"
    ACCT = "ACCT"
    QUAL = "QUAL"
    FAIR = "FAIR"
    GENAI = "GENAI"
    TRAIN = "TRAIN"
    MON = "MON"
    REM = "REM"

    @property
    def label(self) -> str:
        return _PRINCIPLE_TITLES[self]


_PRINCIPLE_TITLES = {
    Principle.DOC: "Documentation",
    Principle.PRIV: "Data privacy",
    Principle.TRAN: "Transparency",
    Principle.ACCT: "Accountability",
    Principle.QUAL: "Quality of AI-generated content",
    Principle.FAIR: "Non-discrimination",
    Principle.GENAI: "GenAI in content production",
    Principle.TRAIN: "Staff training",
    Principle.MON: "Monitoring",
    Principle.REM: "Reporting and remediation",
}
