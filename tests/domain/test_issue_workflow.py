"""The issue workflow policy: each rule alone, then the policy as a whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from charter.domain.issue_workflow import (
    AUDIT,
    POLICY,
    AcceptingRiskNeedsApprover,
    Actor,
    FixNeedsRecord,
    KnownTransition,
    NotForwardDated,
    OnlyAuditsReopenResolved,
    OnlyAuditsVerify,
    RemediationNeedsOwner,
    ReopeningAcceptedRisk,
    Transition,
    TransitionRejectedError,
    apply,
)
from charter.domain.issues import Issue, IssueState, RiskAcceptance
from charter.domain.status import Severity

TODAY = date(2026, 11, 25)
LEAD = Actor("lee", frozenset({"compliance_lead", "approver"}))
OPERATOR = Actor("ola", frozenset({"operator"}))
THE_AUDIT = Actor(AUDIT, by_audit=True)


def _issue(state: IssueState = IssueState.OPEN, **changes: object) -> Issue:
    issue = Issue(
        id="ISS-0123456789",
        fingerprint="0123456789abcdef",
        partner="acme",
        pack="partner-ai-usage",
        requirement="PRIV-03",
        check="privacy.pii_in_text",
        system="reco",
        subject="system:reco",
        severity=Severity.HIGH,
        title="e-mail addresses in transcripts",
        state=state,
        opened_on=date(2026, 11, 1),
        due_on=date(2026, 12, 1),
        first_run="r1",
        last_run="r1",
    )
    return replace(issue, **changes)  # type: ignore[arg-type]


def _to(issue: Issue, to: IssueState, actor: Actor = LEAD, **extra: object) -> Transition:
    return Transition(issue, to, actor, TODAY, **extra)  # type: ignore[arg-type]


def test_known_transition_allows_only_graph_edges() -> None:
    rule = KnownTransition()
    assert rule.judge(_to(_issue(), IssueState.TRIAGED)).rejected is None
    refused = rule.judge(_to(_issue(), IssueState.FIXED))
    assert refused.rejected == (
        "cannot move from open to fixed (from open: accepted_risk, triaged)"
    )
    assert rule.judge(_to(_issue(IssueState.CLOSED), IssueState.TRIAGED)).rejected


def test_only_audits_verify() -> None:
    rule = OnlyAuditsVerify()
    fixed = _issue(IssueState.FIXED)
    assert rule.applies(_to(fixed, IssueState.VERIFIED))
    assert not rule.applies(_to(fixed, IssueState.IN_REMEDIATION))
    assert "only an audit" in str(rule.judge(_to(fixed, IssueState.VERIFIED)).rejected)
    assert rule.judge(_to(fixed, IssueState.VERIFIED, THE_AUDIT)).rejected is None


def test_only_audits_reopen_resolved_issues() -> None:
    rule = OnlyAuditsReopenResolved()
    closed = _issue(IssueState.CLOSED)
    assert rule.judge(_to(closed, IssueState.OPEN)).rejected
    verdict = rule.judge(_to(closed, IssueState.OPEN, THE_AUDIT))
    assert verdict.rejected is None
    assert verdict.notes == ("the finding came back",)
    assert not rule.applies(_to(_issue(IssueState.FIXED), IssueState.OPEN))


def test_remediation_needs_an_owner() -> None:
    rule = RemediationNeedsOwner()
    triaged = _issue(IssueState.TRIAGED)
    assert "assign an owner" in str(rule.judge(_to(triaged, IssueState.IN_REMEDIATION)).rejected)
    owned = replace(triaged, owner="ola")
    assert rule.judge(_to(owned, IssueState.IN_REMEDIATION)).rejected is None


def test_a_fix_is_recorded() -> None:
    rule = FixNeedsRecord()
    working = _issue(IssueState.IN_REMEDIATION, owner="ola")
    assert rule.judge(_to(working, IssueState.FIXED)).rejected
    assert rule.judge(_to(working, IssueState.FIXED, fix="masked the export")).rejected is None
    recorded = replace(working, troubleshooting={"fix": "masked the export"})
    assert rule.judge(_to(recorded, IssueState.FIXED)).rejected is None


@pytest.mark.parametrize(
    ("actor", "acceptance", "severity", "message"),
    [
        (OPERATOR, RiskAcceptance("low impact", "ola", date(2027, 1, 1)), "high", "approver"),
        (LEAD, None, "high", "justification"),
        (LEAD, RiskAcceptance("  ", "lee", date(2027, 1, 1)), "high", "justification"),
        (LEAD, RiskAcceptance("ok", "lee", TODAY), "high", "expire after today"),
        (LEAD, RiskAcceptance("ok", "lee", date(2028, 1, 1)), "high", "at most 365 days"),
        (LEAD, RiskAcceptance("ok", "lee", date(2027, 1, 1)), "critical", "cannot be accepted"),
        (LEAD, RiskAcceptance("ok", "lee", date(2027, 1, 1)), "high", None),
    ],
)
def test_accepting_a_risk(
    actor: Actor, acceptance: RiskAcceptance | None, severity: str, message: str | None
) -> None:
    issue = _issue(IssueState.TRIAGED, severity=Severity(severity))
    verdict = AcceptingRiskNeedsApprover().judge(
        _to(issue, IssueState.ACCEPTED_RISK, actor, acceptance=acceptance)
    )
    if message is None:
        assert verdict.rejected is None
    else:
        assert message in str(verdict.rejected)


def test_a_change_cannot_be_forward_dated() -> None:
    issue = _issue(IssueState.TRIAGED)
    acceptance = RiskAcceptance("ok", "lee", date(2030, 12, 31))
    later = Transition(
        issue,
        IssueState.ACCEPTED_RISK,
        LEAD,
        date(2030, 1, 1),
        acceptance=acceptance,
        today=TODAY,
    )
    assert "after today (2026-11-25)" in str(NotForwardDated().judge(later).rejected)
    earlier = replace(later, on=date(2026, 11, 1))
    assert NotForwardDated().judge(earlier).rejected is None  # back-dating is recording


def test_an_accepted_risk_reopens_on_expiry_or_by_an_approver() -> None:
    rule = ReopeningAcceptedRisk()
    running = _issue(
        IssueState.ACCEPTED_RISK, acceptance=RiskAcceptance("ok", "lee", date(2026, 12, 31))
    )
    assert "not expired" in str(rule.judge(_to(running, IssueState.OPEN, THE_AUDIT)).rejected)
    expired = replace(running, acceptance=RiskAcceptance("ok", "lee", date(2026, 11, 25)))
    assert rule.judge(_to(expired, IssueState.OPEN, THE_AUDIT)).notes == (
        "the risk acceptance expired",
    )
    assert rule.judge(_to(running, IssueState.OPEN, OPERATOR)).rejected
    assert rule.judge(_to(running, IssueState.OPEN, LEAD)).notes == ("risk acceptance withdrawn",)


def test_the_policy_walks_an_issue_to_closed_and_back() -> None:
    issue = _issue()
    issue = apply(_to(issue, IssueState.TRIAGED)).issue
    issue = replace(issue, owner="ola")
    issue = apply(_to(issue, IssueState.IN_REMEDIATION)).issue
    issue = apply(_to(issue, IssueState.FIXED, fix="masked the export")).issue
    assert issue.troubleshooting == {"fix": "masked the export"}
    with pytest.raises(TransitionRejectedError, match="ISS-0123456789: only an audit"):
        apply(_to(issue, IssueState.VERIFIED))
    issue = apply(_to(issue, IssueState.VERIFIED, THE_AUDIT)).issue
    issue = apply(_to(issue, IssueState.CLOSED)).issue
    assert issue.reopened == 0
    applied = apply(_to(issue, IssueState.OPEN, THE_AUDIT))
    assert applied.issue.state is IssueState.OPEN
    assert applied.issue.reopened == 1
    assert applied.notes == ("the finding came back",)


def test_every_rule_guards_declared_states_only() -> None:
    for rule in POLICY:
        for state in rule.FROM_STATES | rule.TO_STATES:
            assert isinstance(state, IssueState)
