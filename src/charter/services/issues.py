"""Compliance issues as a running process: audits open, verify and reopen them; people
triage, assign, fix, comment, accept risks and report to the platform. Every state change
goes through the workflow policy (``charter.domain.issue_workflow``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from charter.domain.audit import AuditReport
from charter.domain.errors import InputError
from charter.domain.findings import Finding
from charter.domain.guidelines import Pack
from charter.domain.issue_workflow import AUDIT, Actor, Transition, apply
from charter.domain.issues import (
    ACTIVE_STATES,
    TROUBLESHOOTING_FIELDS,
    Issue,
    IssueEvent,
    IssueState,
    PlatformReport,
    RiskAcceptance,
    due_date,
    issue_id,
)
from charter.domain.organisation import Person
from charter.domain.ports import IssueConflictError, IssueStore
from charter.domain.status import Status

Clock = Callable[[], datetime]
TRACKED = frozenset({Status.FAIL, Status.ERROR, Status.INCOMPLETE, Status.INSUFFICIENT_EVIDENCE})
"""Finding statuses that open issues; a coverage gap (``not_assessed``) does not."""
PROCESS_CHECKS = ("remediation.",)
"""Findings about the register itself (overdue, unreported issues) open no issue of their
own: the issue they name is already there."""


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SyncSummary:
    opened: list[str]
    reopened: list[str]
    verified: list[str]
    still_open: int
    conflicts: list[str] = field(default_factory=list)
    """Issues someone changed while the audit synced them: left for the next audit."""

    def line(self) -> str:
        conflicts = (
            f"; {len(self.conflicts)} changed meanwhile, left for the next audit "
            f"({', '.join(self.conflicts[:5])})"
            if self.conflicts
            else ""
        )
        return (
            f"issues: {len(self.opened)} opened, {len(self.reopened)} reopened, "
            f"{len(self.verified)} verified, {self.still_open} still open{conflicts}"
        )


def sync_with_audit(
    store: IssueStore, report: AuditReport, packs: Sequence[Pack], clock: Clock = _now
) -> SyncSummary:
    """Open an issue for each new finding, refresh those seen again, reopen resolved ones
    that came back and risks whose acceptance expired, and verify fixed issues whose
    finding the audit no longer reports (the check ran for that system and passed)."""
    by_pack = {p.id: p for p in packs}
    known = store.by_fingerprint(report.partner)
    sync = _Sync(report, by_pack, clock())
    seen: set[str] = set()
    for finding in report.findings:
        if (
            finding.status not in TRACKED
            or finding.check.startswith(PROCESS_CHECKS)
            or finding.fingerprint in seen
        ):
            continue
        seen.add(finding.fingerprint)
        issue = known.get(finding.fingerprint)
        if issue is None:
            issue = _new_issue(report, finding, by_pack[finding.pack], report.as_of)
            opened = IssueEvent(issue.id, sync.at, AUDIT, "opened", None, issue.state,
                                {"run": report.run_id})  # fmt: skip
            if sync.save(store, issue, [opened], new=True):
                sync.opened.append(issue.id)
            continue
        events: list[IssueEvent] = []
        refreshed = replace(issue, last_run=report.run_id, title=finding.message)
        if issue.state in (IssueState.FIXED, IssueState.VERIFIED, IssueState.CLOSED):
            refreshed = sync.reopen(refreshed, events, "the finding came back")
        elif _expired(issue, report.as_of):
            refreshed = sync.reopen(refreshed, events, "the risk acceptance expired")
        sync.save(store, refreshed, events)
    # Only a check that ran to a verdict can show a finding is gone: an error, a coverage
    # gap or thin evidence proves nothing.
    ran = {
        (r.pack, r.requirement, r.check, r.system)
        for r in report.results
        if r.status in (Status.PASS, Status.FAIL)
    }
    for fingerprint, issue in known.items():
        if fingerprint in seen:
            continue
        events = []
        if _expired(issue, report.as_of):
            sync.save(store, sync.reopen(issue, events, "the risk acceptance expired"), events)
        elif issue.state is IssueState.FIXED and (
            (issue.pack, issue.requirement, issue.check, issue.system) in ran
        ):
            detail = {"run": report.run_id, "reason": "the finding is gone"}
            moved = _move(issue, IssueState.VERIFIED, sync.audit, report.as_of, events,
                          sync.at, detail)  # fmt: skip
            if sync.save(store, moved, events):
                sync.verified.append(issue.id)
    still = sum(
        1 for i in store.by_fingerprint(report.partner).values() if i.state in ACTIVE_STATES
    )
    return SyncSummary(sync.opened, sync.reopened, sync.verified, still, sync.conflicts)


def _expired(issue: Issue, on: date) -> bool:
    return issue.state is IssueState.ACCEPTED_RISK and (
        issue.acceptance is None or on >= issue.acceptance.expires_on
    )


@dataclass
class _Sync:
    report: AuditReport
    packs: dict[str, Pack]
    at: datetime
    audit: Actor = field(default_factory=lambda: Actor(AUDIT, by_audit=True))
    opened: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def save(
        self, store: IssueStore, issue: Issue, events: list[IssueEvent], *, new: bool = False
    ) -> bool:
        """Save one issue; an issue someone changed meanwhile is left as they left it and
        counted (the next audit syncs it), never a reason to stop half-way."""
        try:
            store.save(issue, events, new=new)
        except IssueConflictError:
            self.conflicts.append(issue.id)
            return False
        return True

    def reopen(self, issue: Issue, events: list[IssueEvent], reason: str) -> Issue:
        """Back to open by the audit, with a fresh due date from the day it reopened."""
        detail = {"run": self.report.run_id, "reason": reason}
        moved = _move(issue, IssueState.OPEN, self.audit, self.report.as_of, events, self.at,
                      detail)  # fmt: skip
        self.reopened.append(issue.id)
        pack = self.packs.get(issue.pack)
        if pack is None:
            return moved
        return replace(moved, due_on=due_date(pack, issue.severity, self.report.as_of))


def _new_issue(report: AuditReport, finding: Finding, pack: Pack, on: date) -> Issue:
    return Issue(
        id=issue_id(finding.fingerprint),
        fingerprint=finding.fingerprint,
        partner=report.partner,
        pack=finding.pack,
        requirement=finding.requirement,
        check=finding.check,
        system=finding.system,
        subject=finding.subject,
        severity=finding.severity,
        title=finding.message,
        state=IssueState.OPEN,
        opened_on=on,
        due_on=due_date(pack, finding.severity, on),
        first_run=report.run_id,
        last_run=report.run_id,
    )


def _move(
    issue: Issue,
    to: IssueState,
    actor: Actor,
    on: date,
    events: list[IssueEvent],
    at: datetime,
    detail: dict[str, Any] | None = None,
    **transition: Any,
) -> Issue:
    applied = apply(Transition(issue, to, actor, on, **transition))
    events.append(
        IssueEvent(issue.id, at, actor.name, "moved", issue.state, to,
                   {**(detail or {}), **({"notes": list(applied.notes)} if applied.notes else {})}),
    )  # fmt: skip
    return applied.issue


def actor_of(people: dict[str, Person], person_id: str) -> Actor:
    """The person as a workflow actor, with their roles; ``InputError`` when unknown or
    inactive."""
    person = people.get(person_id)
    if person is None or not person.active:
        raise InputError.at("--as", 0, 0, f"unknown or inactive person '{person_id}'")
    return Actor(person.id, frozenset(str(r) for r in person.roles))


def move_issue(
    store: IssueStore,
    partner: str,
    identifier: str,
    to: IssueState,
    actor: Actor,
    on: date,
    *,
    note: str | None = None,
    fix: str | None = None,
    acceptance: RiskAcceptance | None = None,
    clock: Clock = _now,
) -> Issue:
    issue = store.get(partner, identifier)
    events: list[IssueEvent] = []
    at = clock()
    moved = _move(issue, to, actor, on, events, at,
                  {"note": note} if note else None, note=note, fix=fix,
                  acceptance=acceptance, today=at.date())  # fmt: skip
    return store.save(moved, events)


def assign_issue(
    store: IssueStore,
    partner: str,
    identifier: str,
    owner: Person,
    actor: Actor,
    clock: Clock = _now,
) -> Issue:
    if not owner.active:
        raise InputError.at("--owner", 0, 0, f"'{owner.id}' is inactive")
    issue = store.get(partner, identifier)
    event = IssueEvent(issue.id, clock(), actor.name, "assigned",
                       detail={"from": issue.owner, "to": owner.id})  # fmt: skip
    return store.save(replace(issue, owner=owner.id), [event])


def record_issue(
    store: IssueStore,
    partner: str,
    identifier: str,
    actor: Actor,
    *,
    comment: str | None = None,
    root_cause: str | None = None,
    troubleshooting: dict[str, str] | None = None,
    clock: Clock = _now,
) -> Issue:
    """A comment and/or updates of the root cause and the troubleshooting record."""
    unknown = sorted(set(troubleshooting or {}) - set(TROUBLESHOOTING_FIELDS))
    if unknown:
        raise InputError.at(
            "--record", 0, 0,
            f"unknown field '{unknown[0]}' (fields: {', '.join(TROUBLESHOOTING_FIELDS)})",
        )  # fmt: skip
    issue = store.get(partner, identifier)
    events = []
    changed = issue
    if comment:
        events.append(
            IssueEvent(issue.id, clock(), actor.name, "comment", detail={"text": comment})
        )
    if root_cause or troubleshooting:
        changed = replace(
            issue,
            root_cause=root_cause or issue.root_cause,
            troubleshooting={**issue.troubleshooting, **(troubleshooting or {})},
        )
        detail = {**({"root_cause": root_cause} if root_cause else {}), **(troubleshooting or {})}
        events.append(IssueEvent(issue.id, clock(), actor.name, "updated", detail=detail))
    if not events:
        raise InputError.at(
            "issue", 0, 0, "nothing to record: give --text, --root-cause or --record"
        )
    return store.save(changed, events)


def report_issue(
    store: IssueStore,
    partner: str,
    identifier: str,
    actor: Actor,
    on: date,
    reference: str,
    clock: Clock = _now,
) -> Issue:
    """Record that the issue was reported to the platform (the report file is written by
    the caller; pushing it to the platform's server comes with the server)."""
    issue = store.get(partner, identifier)
    reported = PlatformReport(on, reference, actor.name)
    event = IssueEvent(issue.id, clock(), actor.name, "reported",
                       detail={"reference": reference, "on": on.isoformat()})  # fmt: skip
    return store.save(replace(issue, reported=reported), [event])


def issue_counts(issues: Sequence[Issue], on: date) -> dict[str, Any]:
    return {
        "by_state": dict(sorted(Counter(str(i.state) for i in issues).items())),
        "overdue": sum(1 for i in issues if i.overdue(on)),
    }
