"""Remediation as a process: issues fixed within the pack's deadlines, serious ones reported
to the platform in time. Both read the issue register as it stood before the audit."""

from __future__ import annotations

from typing import ClassVar

from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.findings import subject
from charter.domain.guidelines import Scope
from charter.domain.issues import Issue, missed_report

PARTNER_PACK = "partner-ai-usage"
NO_REGISTER = "the issue register was not read (the run is not stored: --no-store)"


def _where(issue: Issue) -> str:
    return f"{issue.requirement}{' on ' + issue.system if issue.system else ''}"


class OverdueIssues(Check):
    """No compliance issue is still open (open, triaged, in remediation or fixed but not yet
    verified) past its due date: the day it opened plus the pack's ``remediation_days`` for
    its severity. An accepted risk is not overdue while its acceptance runs."""

    id = "remediation.overdue_issues"
    title = "Compliance issues remediated within the pack's deadlines"
    scopes = (Scope.ORGANISATION,)
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:REM-01",)
    inputs = ("the issue register (.charter/charter.db or CHARTER_DATABASE_URL)",)

    def run(self, ctx: CheckContext) -> Outcome:
        if ctx.issues is None:
            return Outcome.not_applicable(NO_REGISTER)
        overdue = sorted(
            (i for i in ctx.issues if i.overdue(ctx.as_of)), key=lambda i: (i.due_on, i.id)
        )
        violations = [
            Violation(
                subject=subject("record", issue.id),
                message=(
                    f"{issue.id} ({issue.severity}, {_where(issue)}) is "
                    f"{(ctx.as_of - issue.due_on).days} days past its due date "
                    f"{issue.due_on.isoformat()} (state {issue.state}, owner "
                    f"{issue.owner or 'none'})"
                ),
                evidence={
                    "issue": issue.id,
                    "state": str(issue.state),
                    "severity": str(issue.severity),
                    "opened_on": issue.opened_on.isoformat(),
                    "due_on": issue.due_on.isoformat(),
                    "days_overdue": (ctx.as_of - issue.due_on).days,
                    "owner": issue.owner,
                },
            )
            for issue in overdue
        ]
        return Outcome.from_violations(
            violations, {"issues": len(ctx.issues), "overdue": len(violations)}
        )


class ReportedToPlatform(Check):
    """Every issue whose severity has a reporting deadline in the pack (``reporting_days``:
    critical and high by default) was reported to the platform (``charter issue report``)
    within that many days of opening, whatever its state now."""

    id = "remediation.reported_to_platform"
    title = "Critical issues reported to the platform in time"
    scopes = (Scope.ORGANISATION,)
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:REM-02",)
    inputs = ("the issue register (.charter/charter.db or CHARTER_DATABASE_URL)",)

    def run(self, ctx: CheckContext) -> Outcome:
        if ctx.issues is None:
            return Outcome.not_applicable(NO_REGISTER)
        violations = []
        for issue in sorted(ctx.issues, key=lambda i: i.id):
            deadline = missed_report(issue, ctx.pack, ctx.as_of)
            if deadline is None:
                continue
            violations.append(
                Violation(
                    subject=subject("record", issue.id),
                    message=(
                        f"{issue.id} ({issue.severity}, {_where(issue)}) was due at the "
                        f"platform by {deadline.isoformat()} and has not been reported"
                    ),
                    evidence={
                        "issue": issue.id,
                        "severity": str(issue.severity),
                        "opened_on": issue.opened_on.isoformat(),
                        "report_due": deadline.isoformat(),
                    },
                )
            )
        return Outcome.from_violations(violations, {"issues": len(ctx.issues)})


CHECKS: list[type[Check]] = [OverdueIssues, ReportedToPlatform]
