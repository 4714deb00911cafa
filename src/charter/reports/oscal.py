"""OSCAL assessment results (NIST OSCAL 1.2) from a ``charter.audit/v1`` document.

One OSCAL result for the run. Every Charter finding is an observation (what was seen, where,
how severe, its fingerprint); every assessed requirement and target is an OSCAL finding whose
objective is the requirement (``partner-ai-usage.PRIV-03``), ``satisfied`` when its checks
passed or did not apply and ``not-satisfied`` otherwise, related to its observations.
UUIDs are derived from the run id (UUID 5), so re-rendering a stored run gives the same
document. ``tests/reports/test_oscal.py`` validates the output with compliance-trestle's
OSCAL models.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from charter import __version__
from charter.domain.guidelines import Pack
from charter.reports.json_text import json_text

OSCAL_VERSION = "1.2.1"
NS = "https://charter.example/ns/oscal"
"""Namespace of Charter's own props (severity, fingerprint, status, target)."""
_NAMESPACE = uuid.UUID("6f1a3c52-8d0e-4a57-9c1b-2f0d6e4b9a10")
_PASSING = {"pass", "not_applicable"}


def _uuid(run_id: str, *parts: object) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([run_id, *map(str, parts)])))


def _token(text: str) -> str:
    """An OSCAL token (letters, digits, ``.``, ``-``, ``_``; a letter or ``_`` first)."""
    cleaned = "".join(c if c.isalnum() or c in ".-_" else "_" for c in text)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else f"_{cleaned}"


def _prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": value}


def _time(text: str) -> str:
    """Charter timestamps are ISO 8601 with an offset, as OSCAL wants."""
    return text


def oscal_document(document: dict[str, Any], packs: list[Pack]) -> dict[str, Any]:
    run_id = document["run_id"]
    titles = {(p.id, r.id): r.title for p in packs for r in p.requirements}
    observations = []
    related: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for finding in document["findings"]:
        observation_id = _uuid(run_id, "observation", finding["fingerprint"])
        location = finding.get("location")
        props = [
            _prop("severity", finding["severity"]),
            _prop("status", finding["status"]),
            _prop("fingerprint", finding["fingerprint"]),
        ]
        observation: dict[str, Any] = {
            "uuid": observation_id,
            "title": f"{finding['check']}: {finding['subject']}",
            "description": finding["message"],
            "props": props,
            "methods": ["TEST"],
            "types": ["finding"],
            "collected": _time(document["finished_at"]),
            "remarks": finding.get("remediation") or "",
        }
        if location:
            where = f"{location['file']}:{location['line']}"
            observation["relevant-evidence"] = [{"description": f"located at {where}"}]
        observations.append(observation)
        related[(finding["pack"], finding["requirement"], finding["system"])].append(observation_id)
    verdicts: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for result in document["results"]:
        verdicts[(result["pack"], result["requirement"], result["system"])].append(result["status"])
    findings = []
    for (pack, requirement, system), statuses in sorted(
        verdicts.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or "")
    ):
        satisfied = all(status in _PASSING for status in statuses)
        target = system or "organisation"
        assessed: dict[str, Any] = {
            "uuid": _uuid(run_id, "finding", pack, requirement, target),
            "title": f"{pack} {requirement} on {target}",
            "description": titles.get((pack, requirement), requirement),
            "props": [
                {"name": "target", "ns": "https://charter.example/ns/oscal", "value": target},
                {
                    "name": "charter-status",
                    "ns": "https://charter.example/ns/oscal",
                    "value": ",".join(sorted(set(statuses))),
                },
            ],
            "target": {
                "type": "objective-id",
                "target-id": _token(f"{pack}.{requirement}"),
                "status": {"state": "satisfied" if satisfied else "not-satisfied"},
            },
        }
        observation_ids = related.get((pack, requirement, system))
        if observation_ids:
            assessed["related-observations"] = [{"observation-uuid": o} for o in observation_ids]
        findings.append(assessed)
    guidelines = ", ".join(f"{g['pack']}@{g['version']}" for g in document["guidelines"])
    run: dict[str, Any] = {
        "uuid": _uuid(run_id, "result"),
        "title": f"Charter audit {run_id}",
        "description": (
            f"Audit of partner {document['partner']} as of {document['as_of']} against "
            f"{guidelines}: status {document['summary']['status']}, score "
            f"{document['summary']['score']}."
        ),
        "start": _time(document["started_at"]),
        "end": _time(document["finished_at"]),
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
    }
    if observations:
        run["observations"] = observations
    if findings:
        run["findings"] = findings
    return {
        "assessment-results": {
            "uuid": _uuid(run_id, "assessment-results"),
            "metadata": {
                "title": f"Charter assessment results: {document['partner']}",
                "last-modified": _time(document["finished_at"]),
                "version": __version__,
                "oscal-version": OSCAL_VERSION,
            },
            "import-ap": {"href": f"urn:charter:guidelines:{_token(guidelines)}"},
            "results": [run],
        }
    }


def render_oscal(document: dict[str, Any], packs: list[Pack]) -> str:
    return json_text(oscal_document(document, packs))
