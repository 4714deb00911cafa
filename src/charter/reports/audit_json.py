"""``charter.audit/v1``: the stable JSON contract of an audit (DESIGN.md, Audit JSON contract)."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from charter.domain.audit import AuditReport, ScoreLine
from charter.domain.findings import Finding
from charter.reports.json_text import json_text

SCHEMA_ID = "charter.audit/v1"


def audit_document(report: AuditReport) -> dict[str, Any]:
    """The audit as a JSON-ready dict, exactly per the v1 contract."""
    return {
        "schema": SCHEMA_ID,
        "run_id": report.run_id,
        "started_at": report.started_at.isoformat(),
        "finished_at": report.finished_at.isoformat(),
        "guidelines": [{"pack": p, "version": v} for p, v in report.guidelines],
        "partner": report.partner,
        "as_of": report.as_of.isoformat(),
        "actor": report.actor,
        "summary": {
            "systems": len(report.systems),
            "checks_run": sum(1 for r in report.results if r.status.is_assessed),
            "score": report.overall.score,
            "status": str(report.overall.status),
            "coverage": round(report.overall.coverage, 4),
            "by_severity": {str(s): n for s, n in report.by_severity.items()},
            "by_principle": {str(p): _principle(line) for p, line in report.by_principle.items()},
            "comparison": {
                "previous_run_id": report.comparison.previous_run_id,
                "new": len(report.comparison.new),
                "fixed": len(report.comparison.fixed),
                "still_failing": len(report.comparison.still_failing),
                "fixed_fingerprints": list(report.comparison.fixed),
            },
        },
        "findings": [_finding(f, report) for f in report.findings],
        "results": [
            {
                "pack": r.pack,
                "requirement": r.requirement,
                "check": r.check,
                "system": r.system,
                "status": str(r.status),
                "duration_ms": r.duration_ms,
                "evidence": r.evidence,
            }
            for r in report.results
        ],
    }


def _principle(line: ScoreLine) -> dict[str, Any]:
    return {
        "score": line.score,
        "status": str(line.status),
        "findings": line.findings,
        "coverage": round(line.coverage, 4),
    }


def _finding(finding: Finding, report: AuditReport) -> dict[str, Any]:
    location = finding.location
    return {
        "id": finding.id,
        "fingerprint": finding.fingerprint,
        "pack": finding.pack,
        "requirement": finding.requirement,
        "check": finding.check,
        "principle": str(finding.principle),
        "system": finding.system,
        "subject": finding.subject,
        "status": str(finding.status),
        "severity": str(finding.severity),
        "message": finding.message,
        "remediation": finding.remediation,
        "location": {"file": location.file, "line": location.line, "column": location.column}
        if location
        else None,
        "evidence": finding.evidence,
        "change": _change(finding.fingerprint, report),
    }


def _change(fingerprint: str, report: AuditReport) -> str | None:
    if fingerprint in report.comparison.new:
        return "new"
    if fingerprint in report.comparison.still_failing:
        return "still_failing"
    return None


def render_json(document: dict[str, Any]) -> str:
    return json_text(document, default=str)


def audit_schema() -> dict[str, Any]:
    """The JSON Schema of ``charter.audit/v1`` shipped in the package."""
    text = files("charter.reports").joinpath("schemas/audit-v1.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded
