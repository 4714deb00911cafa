"""SARIF 2.1.0 for code scanning: each finding located at the YAML line it is about.

Shape of the log:

- one run; ``tool.driver`` is Charter, with one rule per ``(pack, requirement)`` that has a
  reported result (``ruleId`` ``<pack>/<REQ-ID>``, text and crosswalk from the pack);
- one result per finding whose status is not ``not_assessed``, its level from the finding's
  severity, located relative to the ``WORKSPACE`` base with the finding's subject as logical
  location, fingerprinted with the finding's stable fingerprint (``charter/v1``);
- ``not_assessed`` findings are coverage gaps, not problems in a file: code-scanning tools
  would show them as alerts on the workspace, so they are listed once in
  ``run.properties.coverageGaps`` instead (with the run's score, status and coverage).
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from charter import __version__
from charter.domain.guidelines import Pack, Requirement
from charter.reports.json_text import json_text
from charter.reports.pack_lookup import RequirementKey, crosswalk_of, requirement_index

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "charter/v1"
WORKSPACE_BASE = "WORKSPACE"
SOURCE_ROOT_BASE = "%SRCROOT%"

_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
_BASELINE = {"new": "new", "still_failing": "unchanged"}


def render_sarif(
    document: dict[str, Any], packs: list[Pack], workspace_prefix: str | None = None
) -> str:
    """The audit as a SARIF 2.1.0 log (JSON text).

    ``workspace_prefix`` is the workspace folder relative to the repository root (where
    code scanning runs, e.g. ``examples/northwind``); with it, files are located relative
    to ``%SRCROOT%`` so alerts land on the right file. Without it they resolve against a
    ``WORKSPACE`` base the consumer must supply.
    """
    log = sarif_log(document, packs, workspace_prefix)
    return json_text(log)


def sarif_log(
    document: dict[str, Any], packs: list[Pack], workspace_prefix: str | None = None
) -> dict[str, Any]:
    """The SARIF log as a dict."""
    index = requirement_index(packs)
    reported = [f for f in document["findings"] if f["status"] != "not_assessed"]
    gaps = [f for f in document["findings"] if f["status"] == "not_assessed"]
    # Rules in the packs' order (findings follow it), each once.
    rule_keys = list(dict.fromkeys((f["pack"], f["requirement"]) for f in reported))
    rule_index = {key: i for i, key in enumerate(rule_keys)}
    compared = document["summary"]["comparison"]["previous_run_id"] is not None
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "charter",
                "fullName": "Charter compliance-as-code",
                "version": __version__,
                "rules": [_rule(key, index.get(key)) for key in rule_keys],
            }
        },
        "automationDetails": {
            # GitHub reads the part before the last "/" as the analysis category.
            "id": f"charter-audit/{document['partner']}/{document['run_id']}",
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "startTimeUtc": _utc(document["started_at"]),
                "endTimeUtc": _utc(document["finished_at"]),
            }
        ],
        "originalUriBaseIds": {
            SOURCE_ROOT_BASE: {
                "description": {"text": "Root of the repository the workspace lives in."}
            }
        }
        if workspace_prefix is not None
        else {
            WORKSPACE_BASE: {
                "description": {"text": "Root of the Charter workspace (where charter.yaml is)."}
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, rule_index, compared, workspace_prefix) for f in reported],
        "properties": _run_properties(document, gaps, index),
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _rule(key: RequirementKey, requirement: Requirement | None) -> dict[str, Any]:
    pack, requirement_id = key
    rule: dict[str, Any] = {"id": f"{pack}/{requirement_id}", "name": requirement_id}
    if requirement is None:
        # The packs given do not know the requirement: the rule still identifies it.
        rule["shortDescription"] = {"text": f"{pack} {requirement_id}"}
        return rule
    walk = crosswalk_of(requirement)
    rule.update(
        {
            "shortDescription": {"text": requirement.title},
            "fullDescription": {"text": requirement.statement},
            "help": {"text": requirement.remediation},
            "defaultConfiguration": {"level": _LEVELS[str(requirement.severity)]},
            "properties": {
                "pack": pack,
                "principle": str(requirement.principle),
                "severity": str(requirement.severity),
                "rationale": requirement.rationale,
                "source": requirement.source,
                "crosswalk": walk,
                "tags": [
                    "compliance",
                    f"principle:{requirement.principle}",
                    f"severity:{requirement.severity}",
                    *(f"{field}:{i}" for field, ids in walk.items() for i in ids),
                ],
            },
        }
    )
    return rule


def _result(
    finding: dict[str, Any],
    rule_index: dict[RequirementKey, int],
    compared: bool,
    workspace_prefix: str | None,
) -> dict[str, Any]:
    key = (finding["pack"], finding["requirement"])
    result: dict[str, Any] = {
        "ruleId": f"{key[0]}/{key[1]}",
        "ruleIndex": rule_index[key],
        "level": _LEVELS.get(finding["severity"], "warning"),
        "message": {"text": finding["message"]},
        "locations": [_location(finding, workspace_prefix)],
        "partialFingerprints": {FINGERPRINT_KEY: finding["fingerprint"]},
        "properties": {
            "finding": finding["id"],
            "check": finding["check"],
            "system": finding["system"],
            "subject": finding["subject"],
            "status": finding["status"],
            "severity": finding["severity"],
            "principle": finding["principle"],
            "remediation": finding["remediation"],
            "evidence": finding["evidence"],
        },
    }
    change = finding.get("change")
    if compared and change in _BASELINE:
        result["baselineState"] = _BASELINE[change]
    return result


def _location(finding: dict[str, Any], workspace_prefix: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "logicalLocations": [{"name": finding["subject"], "fullyQualifiedName": finding["subject"]}]
    }
    where = finding["location"]
    if where and where["file"]:
        physical: dict[str, Any] = {"artifactLocation": _artifact(where["file"], workspace_prefix)}
        if where["line"] > 0:
            region = {"startLine": where["line"]}
            if where["column"] > 0:
                region["startColumn"] = where["column"]
            physical["region"] = region
        location["physicalLocation"] = physical
    return location


def _artifact(file: str, workspace_prefix: str | None = None) -> dict[str, Any]:
    """Workspace-relative files resolve against ``WORKSPACE`` (or, with a prefix, against
    ``%SRCROOT%``); an absolute path (a file outside the workspace) becomes a ``file:`` URI
    of its own."""
    windows = PureWindowsPath(file)
    if windows.drive:
        return {"uri": "file:///" + quote(windows.as_posix(), safe="/:")}
    posix = file.replace("\\", "/")
    if PurePosixPath(posix).is_absolute():
        return {"uri": "file://" + quote(posix, safe="/")}
    if workspace_prefix is not None:
        prefix = workspace_prefix.replace("\\", "/").strip("/")
        joined = f"{prefix}/{posix}" if prefix and prefix != "." else posix
        return {"uri": quote(joined, safe="/"), "uriBaseId": SOURCE_ROOT_BASE}
    return {"uri": quote(posix, safe="/"), "uriBaseId": WORKSPACE_BASE}


def _run_properties(
    document: dict[str, Any],
    gaps: list[dict[str, Any]],
    index: dict[RequirementKey, Requirement],
) -> dict[str, Any]:
    summary = document["summary"]
    return {
        "schema": document["schema"],
        "runId": document["run_id"],
        "partner": document["partner"],
        "asOf": document["as_of"],
        "actor": document.get("actor"),
        "guidelines": document["guidelines"],
        "score": summary["score"],
        "status": summary["status"],
        "coverage": summary["coverage"],
        "bySeverity": summary["by_severity"],
        "comparison": {k: v for k, v in summary["comparison"].items() if k != "fixed_fingerprints"},
        "coverageGaps": [
            {
                "ruleId": f"{g['pack']}/{g['requirement']}",
                "title": _title(index.get((g["pack"], g["requirement"]))),
                "check": g["check"],
                "system": g["system"],
                "subject": g["subject"],
                "fingerprint": g["fingerprint"],
                "message": g["message"],
            }
            for g in gaps
        ],
    }


def _title(requirement: Requirement | None) -> str | None:
    return requirement.title if requirement else None


def _utc(timestamp: str) -> str:
    """SARIF times are UTC written with ``Z``."""
    return timestamp.removesuffix("+00:00") + "Z" if timestamp.endswith("+00:00") else timestamp
