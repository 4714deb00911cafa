"""Evidence packs for the platform's auditors: what they ask for, in one signed zip.

The pack holds the workspace as submitted, the latest stored audit (JSON and HTML), every
issue with its history, the training records and their status, the monitoring history (runs
and metric series, JSON and HTML charts) and the guideline versions the workspace is held
to, plus a ``README.txt`` that says what is where. The engine writes the zip, the
manifest of SHA-256 digests and the Ed25519 signature.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from charter.domain.evidence import EvidenceFile
from charter.domain.ports import IssueStore
from charter.services.issue_documents import event_document, issue_document


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
            issue_document(issue, on)
            | {"history": [event_document(e) for e in store.history(partner, issue.id)]}
            for issue in sorted(issues, key=lambda i: i.id)
        ],
    }


@dataclass(frozen=True)
class EvidenceDocuments:
    """The documents a pack carries besides the workspace files."""

    run: dict[str, Any] | None
    """The latest stored audit of the pack's scope (``charter.audit/v1``), if any."""
    run_html: str | None
    issues: dict[str, Any]
    training: dict[str, Any]
    """``charter training status`` as of the export date."""
    monitoring: dict[str, Any]
    """``charter.monitor-history/v1``."""
    monitoring_html: str
    guidelines: list[dict[str, Any]]


def assemble_evidence(
    workspace: list[EvidenceFile], documents: EvidenceDocuments, system: str | None
) -> list[EvidenceFile]:
    """The pack's files, README first."""
    files = list(workspace)
    run = documents.run
    if run is not None and documents.run_html is not None:
        files.append(EvidenceFile("audit/latest.json", _json(run)))
        files.append(EvidenceFile("audit/latest.html", documents.run_html.encode()))
    files.append(EvidenceFile("issues/issues.json", _json(documents.issues)))
    files.append(EvidenceFile("training/status.json", _json(documents.training)))
    files.append(EvidenceFile("monitoring/history.json", _json(documents.monitoring)))
    files.append(EvidenceFile("monitoring/history.html", documents.monitoring_html.encode()))
    files.append(EvidenceFile("guidelines/versions.json", _json(documents.guidelines)))
    scope = f"system {system}" if system else "every system and use case"
    readme = f"""Charter evidence pack ({scope})

workspace/            the workspace as submitted: charter.yaml, people.yaml, tools.yaml,
                      system cards, GenAI use cases, training records (byte for byte)
audit/latest.json     the latest stored audit (charter.audit/v1){"" if run else ": none stored yet"}
audit/latest.html     the same audit as a report, with the monitoring trends
issues/issues.json    every compliance issue with its troubleshooting record and history
training/status.json  training coverage by system and team, expired, expiring, missing
monitoring/history.json  monitoring runs and every metric series (charter.monitor-history/v1)
monitoring/history.html  the same series as trend charts
guidelines/versions.json  the guideline packs and versions the workspace is held to
manifest.json         the SHA-256 of every file above
signature.json        an Ed25519 signature of manifest.json and the public key that checks it

Check it with: charter evidence verify PACK.zip [--public-key KEY.pem]
"""
    return [EvidenceFile("README.txt", readme.encode()), *files]
