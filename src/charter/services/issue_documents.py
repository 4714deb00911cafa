"""Compliance issues as plain data: ``charter issue list|show --format json``, issue reports
and evidence packs. Imports only the issue model, so listing issues stays light."""

from __future__ import annotations

from datetime import date
from typing import Any

from charter.domain.issues import Issue, IssueEvent


def issue_document(issue: Issue, on: date) -> dict[str, Any]:
    """An issue as plain data (``charter issue show --format json``, evidence packs and
    issue reports): everything but the history."""
    return {
        "id": issue.id,
        "fingerprint": issue.fingerprint,
        "pack": issue.pack,
        "requirement": issue.requirement,
        "check": issue.check,
        "system": issue.system,
        "subject": issue.subject,
        "severity": str(issue.severity),
        "title": issue.title,
        "state": str(issue.state),
        "owner": issue.owner,
        "opened_on": issue.opened_on.isoformat(),
        "due_on": issue.due_on.isoformat(),
        "overdue": issue.overdue(on),
        "first_run": issue.first_run,
        "last_run": issue.last_run,
        "root_cause": issue.root_cause,
        "troubleshooting": issue.troubleshooting,
        "acceptance": None
        if issue.acceptance is None
        else {
            "justification": issue.acceptance.justification,
            "approver": issue.acceptance.approver,
            "expires_on": issue.acceptance.expires_on.isoformat(),
        },
        "reported": None
        if issue.reported is None
        else {
            "reported_on": issue.reported.reported_on.isoformat(),
            "reference": issue.reported.reference,
            "by": issue.reported.by,
        },
        "reopened": issue.reopened,
        "version": issue.version,
    }


def event_document(event: IssueEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "kind": event.kind,
        "from": str(event.from_state) if event.from_state else None,
        "to": str(event.to_state) if event.to_state else None,
        "detail": event.detail,
    }
