"""Evidence packs for the platform's auditors: what they ask for, in one signed zip.

The pack holds the workspace as submitted, the latest stored audit (JSON and HTML), every
issue with its history, the training records and the guideline versions the workspace is
held to, plus a ``README.txt`` that says what is where. The engine writes the zip, the
manifest of SHA-256 digests and the Ed25519 signature.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from charter.domain.evidence import EvidenceFile
from charter.domain.issues import Issue, IssueEvent
from charter.domain.ports import IssueStore


def _json(document: Any) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode() + b"\n"


def issue_histories(
    store: IssueStore, partner: str, on: date, system: str | None = None
) -> dict[str, Any]:
    """Every issue of the partner (or of one system) with its full history."""
    issues = [
        i for i in store.by_fingerprint(partner).values() if system is None or i.system == system
    ]
    return {
        "schema": "charter.issues/v1",
        "partner": partner,
        "as_of": on.isoformat(),
        "issues": [
            _issue(issue, on, store.history(partner, issue.id))
            for issue in sorted(issues, key=lambda i: i.id)
        ],
    }


def _issue(issue: Issue, on: date, history: list[IssueEvent]) -> dict[str, Any]:
    return {
        "id": issue.id,
        "fingerprint": issue.fingerprint,
        "requirement": f"{issue.pack}:{issue.requirement}",
        "check": issue.check,
        "system": issue.system,
        "subject": issue.subject,
        "severity": str(issue.severity),
        "state": str(issue.state),
        "title": issue.title,
        "owner": issue.owner,
        "opened_on": issue.opened_on.isoformat(),
        "due_on": issue.due_on.isoformat(),
        "overdue": issue.overdue(on),
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
        "history": [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "kind": e.kind,
                "from": str(e.from_state) if e.from_state else None,
                "to": str(e.to_state) if e.to_state else None,
                "detail": e.detail,
            }
            for e in history
        ],
    }


def assemble_evidence(
    workspace: list[EvidenceFile],
    run: dict[str, Any] | None,
    render_html: Callable[[dict[str, Any]], str],
    issues: dict[str, Any],
    guidelines: list[dict[str, Any]],
    system: str | None,
) -> list[EvidenceFile]:
    """The pack's files, README first."""
    files = list(workspace)
    if run is not None:
        files.append(EvidenceFile("audit/latest.json", _json(run)))
        files.append(EvidenceFile("audit/latest.html", render_html(run).encode()))
    files.append(EvidenceFile("issues/issues.json", _json(issues)))
    files.append(EvidenceFile("guidelines/versions.json", _json(guidelines)))
    scope = f"system {system}" if system else "every system and use case"
    readme = f"""Charter evidence pack ({scope})

workspace/            the workspace as submitted: charter.yaml, people.yaml, tools.yaml,
                      system cards, GenAI use cases, training records (byte for byte)
audit/latest.json     the latest stored audit (charter.audit/v1){"" if run else ": none stored yet"}
audit/latest.html     the same audit as a report
issues/issues.json    every compliance issue with its troubleshooting record and history
guidelines/versions.json  the guideline packs and versions the workspace is held to
manifest.json         the SHA-256 of every file above
signature.json        an Ed25519 signature of manifest.json and the public key that checks it

Check it with: charter evidence verify PACK.zip [--public-key KEY.pem]
"""
    return [EvidenceFile("README.txt", readme.encode()), *files]
