"""The issue register: implements the ``IssueStore`` port over SQLAlchemy.

Updates use SQLAlchemy's version counter (``version_id_col``): the UPDATE names the version
the caller read, so of two processes moving the same issue one wins and the other gets
``IssueConflictError``; nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from charter.domain.errors import InputError
from charter.domain.issues import Issue, IssueEvent, IssueState, PlatformReport, RiskAcceptance
from charter.domain.ports import IssueConflictError, IssueQuery
from charter.domain.status import Severity
from charter.engines.store.event_log import append, issue_entry
from charter.engines.store.tables import EventRow, IssueRow

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


@dataclass
class SqlIssueStore:
    engine: Engine

    def close(self) -> None:
        self.engine.dispose()

    def get(self, partner: str, issue_id: str) -> Issue:
        with Session(self.engine) as session:
            return _issue(self._row(session, partner, issue_id))

    def by_fingerprint(self, partner: str) -> dict[str, Issue]:
        with Session(self.engine) as session:
            rows = session.scalars(select(IssueRow).where(IssueRow.partner == partner))
            return {row.fingerprint: _issue(row) for row in rows}

    def query(self, query: IssueQuery) -> tuple[list[Issue], int]:
        conditions: list[Any] = [IssueRow.partner == query.partner]
        if query.states:
            conditions.append(IssueRow.state.in_(sorted(query.states)))
        if query.system is not None:
            conditions.append(IssueRow.system == query.system)
        if query.severity is not None:
            conditions.append(IssueRow.severity == query.severity)
        if query.due_before is not None:
            conditions.append(IssueRow.due_on < query.due_before)
        with Session(self.engine) as session:
            total = session.scalar(select(func.count()).select_from(IssueRow).where(*conditions))
            rows = session.scalars(
                select(IssueRow)
                .where(*conditions)
                .order_by(IssueRow.severity_rank, IssueRow.due_on, IssueRow.id)
                .limit(query.limit)
                .offset(query.offset)
            )
            return [_issue(row) for row in rows], int(total or 0)

    def save(self, issue: Issue, events: list[IssueEvent], *, new: bool = False) -> Issue:
        try:
            with Session(self.engine) as session, session.begin():
                if new:
                    row = IssueRow(partner=issue.partner, id=issue.id)
                    _fill(row, issue)
                    session.add(row)
                else:
                    row = self._row(session, issue.partner, issue.id)
                    if row.version != issue.version:
                        raise IssueConflictError(_conflict(issue))
                    _fill(row, issue)
                session.flush()
                append(session, [issue_entry(issue.partner, event) for event in events])
                version = row.version
        except StaleDataError as exc:
            raise IssueConflictError(_conflict(issue)) from exc
        except IntegrityError as exc:
            raise IssueConflictError(
                f"{issue.id}: another process opened this issue at the same time"
            ) from exc
        return replace(issue, version=version)

    def history(self, partner: str, issue_id: str) -> list[IssueEvent]:
        with Session(self.engine) as session:
            row = self._row(session, partner, issue_id)
            events = session.scalars(
                select(EventRow)
                .where(EventRow.partner == partner, EventRow.subject == f"issue:{row.id}")
                .order_by(EventRow.seq)
            )
            return [
                IssueEvent(
                    issue_id=row.id,
                    at=e.at,
                    actor=e.actor,
                    kind=e.kind,
                    from_state=IssueState(e.from_state) if e.from_state else None,
                    to_state=IssueState(e.to_state) if e.to_state else None,
                    detail=dict(e.detail),
                )
                for e in events
            ]

    def _row(self, session: Session, partner: str, issue_id: str) -> IssueRow:
        row = session.get(IssueRow, (issue_id, partner))
        if row is not None:
            return row
        matches = list(
            session.scalars(
                select(IssueRow)
                .where(IssueRow.partner == partner, IssueRow.id.startswith(issue_id))
                .limit(2)
            )
        )
        if len(matches) != 1:
            raise InputError.at("issue", 0, 0, f"unknown issue id '{issue_id}'")
        return matches[0]


def _conflict(issue: Issue) -> str:
    return (
        f"{issue.id} was changed by someone else since it was read (version {issue.version}); "
        "show it again and retry"
    )


def _fill(row: IssueRow, issue: Issue) -> None:
    row.fingerprint = issue.fingerprint
    row.pack = issue.pack
    row.requirement = issue.requirement
    row.check = issue.check
    row.system = issue.system
    row.subject = issue.subject
    row.severity = str(issue.severity)
    row.severity_rank = SEVERITY_RANK[str(issue.severity)]
    row.title = issue.title
    row.state = str(issue.state)
    row.opened_on = issue.opened_on
    row.due_on = issue.due_on
    row.first_run = issue.first_run
    row.last_run = issue.last_run
    row.owner = issue.owner
    row.root_cause = issue.root_cause
    row.troubleshooting = dict(issue.troubleshooting)
    row.acceptance = (
        {
            "justification": issue.acceptance.justification,
            "approver": issue.acceptance.approver,
            "expires_on": issue.acceptance.expires_on.isoformat(),
        }
        if issue.acceptance
        else None
    )
    row.reported = (
        {
            "reported_on": issue.reported.reported_on.isoformat(),
            "reference": issue.reported.reference,
            "by": issue.reported.by,
        }
        if issue.reported
        else None
    )
    row.reopened = issue.reopened


def _issue(row: IssueRow) -> Issue:
    acceptance = row.acceptance
    reported = row.reported
    return Issue(
        id=row.id,
        fingerprint=row.fingerprint,
        partner=row.partner,
        pack=row.pack,
        requirement=row.requirement,
        check=row.check,
        system=row.system,
        subject=row.subject,
        severity=Severity(row.severity),
        title=row.title,
        state=IssueState(row.state),
        opened_on=row.opened_on,
        due_on=row.due_on,
        first_run=row.first_run,
        last_run=row.last_run,
        owner=row.owner,
        root_cause=row.root_cause,
        troubleshooting=dict(row.troubleshooting or {}),
        acceptance=RiskAcceptance(
            acceptance["justification"],
            acceptance["approver"],
            date.fromisoformat(acceptance["expires_on"]),
        )
        if acceptance
        else None,
        reported=PlatformReport(
            date.fromisoformat(reported["reported_on"]), reported["reference"], reported["by"]
        )
        if reported
        else None,
        reopened=row.reopened,
        version=row.version,
    )
