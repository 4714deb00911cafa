"""The one workflow policy every change of an issue's state goes through.

A transition is judged by rule classes, each declaring the states it guards
(``FROM_STATES``/``TO_STATES``, empty meaning any) and returning a verdict: reject with a
reason, or accept with notes for the history. Each rule is small and tested alone
(``tests/domain/test_issue_workflow.py``); ``POLICY`` is the ordered list the services
apply.

The states: ``open -> triaged -> in_remediation -> fixed -> verified -> closed``, plus
``accepted_risk`` (from any active state, with a justification, an approver and an expiry).
``verified`` is reached only by an audit in which the finding is gone; a finding that comes
back reopens its issue, and so does an expired risk acceptance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import ClassVar

from charter.domain.issues import (
    TROUBLESHOOTING_FIELDS,
    Issue,
    IssueState,
    RiskAcceptance,
)

MAX_ACCEPTANCE_DAYS = 365
"""A risk is accepted for at most a year (charter-default): then it is looked at again."""
AUDIT = "audit"
"""The actor name of changes an audit makes (opening, verifying, reopening)."""


@dataclass(frozen=True)
class Actor:
    """Who asks for the change: a person of ``people.yaml`` with their roles, or the audit."""

    name: str
    roles: frozenset[str] = frozenset()
    by_audit: bool = False


@dataclass(frozen=True)
class Transition:
    issue: Issue
    to: IssueState
    actor: Actor
    on: date
    note: str | None = None
    acceptance: RiskAcceptance | None = None
    fix: str | None = None
    """What was done (required to move to ``fixed``; kept in the troubleshooting record)."""
    today: date | None = None
    """The real date of the change. ``on`` may be back-dated (recording a past decision)
    but never later than ``today``: forward-dating could stretch a risk acceptance."""


@dataclass(frozen=True)
class Verdict:
    rejected: str | None = None
    notes: tuple[str, ...] = ()


class TransitionRejectedError(Exception):
    """A rule refused the transition; the message says which and why."""


class Rule:
    FROM_STATES: ClassVar[frozenset[IssueState]] = frozenset()
    TO_STATES: ClassVar[frozenset[IssueState]] = frozenset()

    def applies(self, transition: Transition) -> bool:
        return (not self.FROM_STATES or transition.issue.state in self.FROM_STATES) and (
            not self.TO_STATES or transition.to in self.TO_STATES
        )

    def judge(self, transition: Transition) -> Verdict:
        raise NotImplementedError


ALLOWED: dict[IssueState, frozenset[IssueState]] = {
    IssueState.OPEN: frozenset({IssueState.TRIAGED, IssueState.ACCEPTED_RISK}),
    IssueState.TRIAGED: frozenset(
        {IssueState.IN_REMEDIATION, IssueState.ACCEPTED_RISK, IssueState.OPEN}
    ),
    IssueState.IN_REMEDIATION: frozenset(
        {IssueState.FIXED, IssueState.ACCEPTED_RISK, IssueState.TRIAGED}
    ),
    IssueState.FIXED: frozenset({IssueState.VERIFIED, IssueState.IN_REMEDIATION, IssueState.OPEN}),
    IssueState.VERIFIED: frozenset({IssueState.CLOSED, IssueState.OPEN}),
    IssueState.CLOSED: frozenset({IssueState.OPEN}),
    IssueState.ACCEPTED_RISK: frozenset({IssueState.OPEN}),
}


class NotForwardDated(Rule):
    """A change may be dated in the past (recording an earlier decision), never after the
    day it is made: a forward date could stretch a risk acceptance or a deadline."""

    def judge(self, transition: Transition) -> Verdict:
        if transition.today is not None and transition.on > transition.today:
            return Verdict(
                f"a change cannot be dated {transition.on}, after today ({transition.today})"
            )
        return Verdict()


class KnownTransition(Rule):
    """Only the edges of the state graph."""

    def judge(self, transition: Transition) -> Verdict:
        if transition.to not in ALLOWED[transition.issue.state]:
            allowed = ", ".join(sorted(ALLOWED[transition.issue.state]))
            return Verdict(
                f"cannot move from {transition.issue.state} to {transition.to} "
                f"(from {transition.issue.state}: {allowed})"
            )
        return Verdict()


class OnlyAuditsVerify(Rule):
    """``verified`` means a later audit no longer finds the problem: no person can claim it."""

    TO_STATES = frozenset({IssueState.VERIFIED})

    def judge(self, transition: Transition) -> Verdict:
        if not transition.actor.by_audit:
            return Verdict("only an audit in which the finding is gone can verify a fix")
        return Verdict()


class OnlyAuditsReopenResolved(Rule):
    """A verified or closed issue reopens when its finding comes back, not by hand."""

    FROM_STATES = frozenset({IssueState.VERIFIED, IssueState.CLOSED})
    TO_STATES = frozenset({IssueState.OPEN})

    def judge(self, transition: Transition) -> Verdict:
        if not transition.actor.by_audit:
            return Verdict("a resolved issue reopens when an audit finds the problem again")
        return Verdict(notes=("the finding came back",))


class RemediationNeedsOwner(Rule):
    TO_STATES = frozenset({IssueState.IN_REMEDIATION})

    def judge(self, transition: Transition) -> Verdict:
        if transition.issue.owner is None:
            return Verdict("assign an owner before remediation starts (charter issue assign)")
        return Verdict()


class FixNeedsRecord(Rule):
    """Moving to ``fixed`` records what was done (the troubleshooting record's ``fix``)."""

    TO_STATES = frozenset({IssueState.FIXED})

    def judge(self, transition: Transition) -> Verdict:
        if not (transition.fix or transition.issue.troubleshooting.get("fix")):
            return Verdict("say what was fixed (--fix TEXT): the guidelines ask for the record")
        return Verdict()


class AcceptingRiskNeedsApprover(Rule):
    """Risk is accepted by a person holding the ``approver`` role, with a justification and
    an expiry no more than ``MAX_ACCEPTANCE_DAYS`` ahead; critical issues cannot be."""

    TO_STATES = frozenset({IssueState.ACCEPTED_RISK})

    def judge(self, transition: Transition) -> Verdict:
        acceptance = transition.acceptance
        if "approver" not in transition.actor.roles:
            return Verdict(f"'{transition.actor.name}' does not hold the approver role")
        if acceptance is None or not acceptance.justification.strip():
            return Verdict("accepting a risk needs a justification (--justification)")
        if not transition.on < acceptance.expires_on:
            return Verdict("the acceptance must expire after today (--expires)")
        if (acceptance.expires_on - transition.on).days > MAX_ACCEPTANCE_DAYS:
            return Verdict(f"an acceptance lasts at most {MAX_ACCEPTANCE_DAYS} days")
        if transition.issue.severity == "critical":
            return Verdict("a critical issue cannot be accepted as a risk: remediate it")
        return Verdict()


class ReopeningAcceptedRisk(Rule):
    """An accepted risk reopens when its acceptance expires (the audit does it) or when an
    approver withdraws it."""

    FROM_STATES = frozenset({IssueState.ACCEPTED_RISK})
    TO_STATES = frozenset({IssueState.OPEN})

    def judge(self, transition: Transition) -> Verdict:
        acceptance = transition.issue.acceptance
        if transition.actor.by_audit:
            if acceptance is not None and transition.on < acceptance.expires_on:
                return Verdict("the acceptance has not expired")
            return Verdict(notes=("the risk acceptance expired",))
        if "approver" not in transition.actor.roles:
            return Verdict("only an approver withdraws a risk acceptance")
        return Verdict(notes=("risk acceptance withdrawn",))


REOPENABLE = frozenset(
    {IssueState.FIXED, IssueState.VERIFIED, IssueState.CLOSED, IssueState.ACCEPTED_RISK}
)
"""Back to open from these counts as a reopening (the fix did not hold, the risk is back)."""

POLICY: tuple[Rule, ...] = (
    NotForwardDated(),
    KnownTransition(),
    OnlyAuditsVerify(),
    OnlyAuditsReopenResolved(),
    RemediationNeedsOwner(),
    FixNeedsRecord(),
    AcceptingRiskNeedsApprover(),
    ReopeningAcceptedRisk(),
)


@dataclass(frozen=True)
class Applied:
    issue: Issue
    notes: tuple[str, ...] = field(default_factory=tuple)


def apply(transition: Transition, rules: Sequence[Rule] = POLICY) -> Applied:
    """The issue after the transition, with the rules' notes; raises
    ``TransitionRejectedError`` naming the first rule that refuses."""
    notes: list[str] = []
    for rule in rules:
        if not rule.applies(transition):
            continue
        verdict = rule.judge(transition)
        if verdict.rejected:
            raise TransitionRejectedError(f"{transition.issue.id}: {verdict.rejected}")
        notes += verdict.notes
    issue = transition.issue
    troubleshooting = dict(issue.troubleshooting)
    if transition.fix:
        troubleshooting["fix"] = transition.fix
    reopening = transition.to is IssueState.OPEN and issue.state in REOPENABLE
    moved = replace(
        issue,
        state=transition.to,
        troubleshooting=troubleshooting,
        acceptance=transition.acceptance
        if transition.to is IssueState.ACCEPTED_RISK
        else (None if reopening else issue.acceptance),
        reopened=issue.reopened + (1 if reopening else 0),
    )
    return Applied(moved, tuple(notes))


def valid_troubleshooting_field(name: str) -> bool:
    return name in TROUBLESHOOTING_FIELDS
