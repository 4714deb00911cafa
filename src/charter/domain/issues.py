"""Compliance issues: what a finding becomes once an audit has seen it, until it is fixed and
a later audit confirms it.

An issue is keyed by the finding's fingerprint (pack, requirement, check, system, subject),
so re-running an audit never opens a second issue for the same problem. Every change of
state goes through the workflow policy (``charter.domain.issue_workflow``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from charter.domain.status import Severity

if TYPE_CHECKING:
    from charter.domain.guidelines import Pack


class IssueState(StrEnum):
    OPEN = "open"
    TRIAGED = "triaged"
    IN_REMEDIATION = "in_remediation"
    FIXED = "fixed"
    VERIFIED = "verified"
    CLOSED = "closed"
    ACCEPTED_RISK = "accepted_risk"


ACTIVE_STATES = frozenset(
    {IssueState.OPEN, IssueState.TRIAGED, IssueState.IN_REMEDIATION, IssueState.FIXED}
)
"""States in which the problem is still the partner's to solve (deadlines run)."""
RESOLVED_STATES = frozenset({IssueState.VERIFIED, IssueState.CLOSED})


TROUBLESHOOTING_FIELDS = (
    "identified_by",
    "experts_consulted",
    "platform_communication",
    "fix",
    "documentation",
)
"""The troubleshooting record the guidelines ask for: how the problem was identified, which
experts were consulted, what was said to the platform, the fix, and where it is written up."""


@dataclass(frozen=True)
class RiskAcceptance:
    justification: str
    approver: str
    """Person id; must hold the ``approver`` role."""
    expires_on: date


@dataclass(frozen=True)
class PlatformReport:
    reported_on: date
    reference: str
    by: str


@dataclass(frozen=True)
class Issue:
    id: str
    """``ISS-`` and the first 10 hex digits of the fingerprint: stable across clones."""
    fingerprint: str
    partner: str
    pack: str
    requirement: str
    check: str
    system: str | None
    subject: str
    severity: Severity
    title: str
    """The finding's message when the issue opened (updated while it is still seen)."""
    state: IssueState
    opened_on: date
    due_on: date
    first_run: str
    last_run: str
    """The latest audit run that still reported the finding."""
    owner: str | None = None
    root_cause: str | None = None
    troubleshooting: dict[str, str] = field(default_factory=dict)
    acceptance: RiskAcceptance | None = None
    reported: PlatformReport | None = None
    reopened: int = 0
    version: int = 1
    """Optimistic lock: every write must name the version it read."""

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def overdue(self, on: date) -> bool:
        return self.active and on > self.due_on


@dataclass(frozen=True)
class IssueEvent:
    """One line of an issue's history: opening, a transition, a comment, an assignment, an
    update of the troubleshooting record, a report to the platform."""

    issue_id: str
    at: datetime
    actor: str
    kind: str
    """``opened``, ``moved``, ``assigned``, ``comment``, ``reported``, ``updated``."""
    from_state: IssueState | None = None
    to_state: IssueState | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def issue_id(fingerprint: str) -> str:
    return f"ISS-{fingerprint[:10]}"


def due_date(pack: Pack, severity: Severity, opened_on: date) -> date:
    """The pack's remediation deadline for the severity (``remediation_days``)."""
    return opened_on + timedelta(days=int(pack.remediation_days.of(severity)))


def reporting_deadline(pack: Pack, severity: Severity, opened_on: date) -> date | None:
    """When the issue must have reached the platform (``reporting_days``; 0: never)."""
    days = int(pack.reporting_days.of(severity))
    return opened_on + timedelta(days=days) if days else None


def missed_report(issue: Issue, pack: Pack, on: date) -> date | None:
    """The reporting deadline the issue missed, if it should have reached the platform
    before ``on`` and has not been reported."""
    deadline = reporting_deadline(pack, issue.severity, issue.opened_on)
    if deadline is None or issue.reported is not None or on <= deadline:
        return None
    return deadline
