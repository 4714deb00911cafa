"""SARIF 2.1.0: valid against the official schema, findings located at their YAML line."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from audited_workspace import (
    RECO_CARD,
    USE_CASE,
    Audited,
    audit_shared_minimal,
    line_of,
)

from charter import __version__
from charter.reports.formats import AuditFormat, render_audit
from charter.reports.pack_lookup import crosswalk_of, requirement_index
from charter.reports.sarif import render_sarif

SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator: jsonschema.protocols.Validator = validator_class(
        schema, format_checker=validator_class.FORMAT_CHECKER
    )
    return validator


def _sarif(audited: Audited) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render_sarif(audited.document, audited.packs))
    return log


def _errors(validator: jsonschema.protocols.Validator, log: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)
    ]


def _result_for(log: dict[str, Any], rule_id: str, subject: str) -> dict[str, Any]:
    matches = [
        r
        for r in log["runs"][0]["results"]
        if r["ruleId"] == rule_id and r["properties"]["subject"] == subject
    ]
    assert len(matches) >= 1, (rule_id, subject)
    return matches[0]


def test_the_schema_rejects_a_broken_log(sarif_validator: jsonschema.protocols.Validator) -> None:
    # The validator is real: a result without a message breaks the schema.
    broken = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "r"}]}],
    }
    assert _errors(sarif_validator, broken)


def test_log_is_valid_sarif(
    audited: Audited, compared: Audited, sarif_validator: jsonschema.protocols.Validator
) -> None:
    for run in (audited, compared):
        log = _sarif(run)
        assert _errors(sarif_validator, log) == []
        assert log["version"] == "2.1.0"
        assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
        assert len(log["runs"]) == 1


def test_a_compliant_workspace_has_no_results(
    workspace_dir: Path, sarif_validator: jsonschema.protocols.Validator
) -> None:
    clean = audit_shared_minimal(workspace_dir)
    assert clean.document["summary"]["status"] == "compliant"
    log = _sarif(clean)
    assert _errors(sarif_validator, log) == []
    run = log["runs"][0]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []
    gaps = [f for f in clean.document["findings"] if f["status"] == "not_assessed"]
    assert gaps == []  # every check the shared workspace needs is built
    assert run["properties"]["coverageGaps"] == []


def test_driver_and_run_metadata(audited: Audited) -> None:
    run = _sarif(audited)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "charter"
    assert driver["version"] == __version__
    assert "informationUri" not in driver
    assert "WORKSPACE" in run["originalUriBaseIds"]
    assert run["invocations"][0]["startTimeUtc"] == "2026-05-01T09:30:00Z"
    properties = run["properties"]
    summary = audited.document["summary"]
    assert properties["runId"] == audited.document["run_id"]
    assert (properties["score"], properties["status"], properties["coverage"]) == (
        summary["score"],
        summary["status"],
        summary["coverage"],
    )


def test_one_result_per_reported_finding(audited: Audited) -> None:
    findings = audited.document["findings"]
    reported = [f for f in findings if f["status"] != "not_assessed"]
    results = _sarif(audited)["runs"][0]["results"]
    assert len(results) == len(reported)
    for finding, result in zip(reported, results, strict=True):
        assert result["partialFingerprints"] == {"charter/v1": finding["fingerprint"]}
        assert result["ruleId"] == f"{finding['pack']}/{finding['requirement']}"
        assert result["level"] == LEVELS[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        assert result["properties"]["check"] == finding["check"]
        assert result["properties"]["system"] == finding["system"]
        assert result["properties"]["status"] == finding["status"]
        assert result["properties"]["evidence"] == finding["evidence"]
        assert (
            result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            == (finding["subject"])
        )
    assert Counter(r["level"] for r in results) == Counter(LEVELS[f["severity"]] for f in reported)


def test_not_assessed_findings_are_coverage_gaps_in_run_properties(audited: Audited) -> None:
    gaps = [f for f in audited.document["findings"] if f["status"] == "not_assessed"]
    assert gaps
    run = _sarif(audited)["runs"][0]
    listed = run["properties"]["coverageGaps"]
    assert [g["fingerprint"] for g in listed] == [g["fingerprint"] for g in gaps]
    reported = {r["partialFingerprints"]["charter/v1"] for r in run["results"]}
    assert reported.isdisjoint(g["fingerprint"] for g in gaps)


def test_rules_carry_the_requirement_text(audited: Audited) -> None:
    index = requirement_index(audited.packs)
    run = _sarif(audited)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    reported = {
        (f["pack"], f["requirement"])
        for f in audited.document["findings"]
        if f["status"] != "not_assessed"
    }
    assert sorted(r["id"] for r in rules) == sorted(f"{p}/{r}" for p, r in reported)
    for rule in rules:
        pack, requirement_id = rule["id"].split("/")
        requirement = index[(pack, requirement_id)]
        assert rule["shortDescription"]["text"] == requirement.title
        assert rule["fullDescription"]["text"] == requirement.statement
        assert rule["help"]["text"] == requirement.remediation
        assert rule["properties"]["principle"] == str(requirement.principle)
        assert rule["properties"]["severity"] == str(requirement.severity)
        assert rule["properties"]["crosswalk"] == crosswalk_of(requirement)
        assert f"principle:{requirement.principle}" in rule["properties"]["tags"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_locations_point_at_the_yaml_line_of_the_offending_field(audited: Audited) -> None:
    log = _sarif(audited)
    # The owner doubles as accountable executive: the finding sits on that field's line.
    executive = _result_for(log, "partner-ai-usage/ACCT-01", "system:reco/separation_of_duties")
    physical = executive["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "systems/reco.yaml", "uriBaseId": "WORKSPACE"}
    assert physical["region"] == {
        "startLine": line_of(RECO_CARD, "accountable_executive:"),
        "startColumn": 1,
    }
    # A list item: the region starts at the item's first key, after "  - ".
    source = _result_for(log, "partner-ai-usage/DOC-01", "system:reco/data_sources.viewing-logs")
    region = source["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": line_of(RECO_CARD, "- id: viewing-logs"), "startColumn": 5}
    # A use-case field nested two levels deep.
    consent = _result_for(
        log,
        "genai-content-production/GENAI-06",
        # Consents are named by talent and document, separators replaced by "-".
        "usecase:trailer-voice/consents."
        "<script>alert('pwn')<-script>-&-Co~contracts-voice-consent-pdf.signed_on",
    )
    physical = consent["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "usecases/trailer-voice.yaml"
    # The consent ran out before first use: the finding sits on its signed_on line.
    assert physical["region"]["startLine"] == line_of(USE_CASE, "signed_on:")


def test_findings_without_a_line_or_a_file(
    audited: Audited, sarif_validator: jsonschema.protocols.Validator
) -> None:
    document = copy.deepcopy(audited.document)
    reported = [f for f in document["findings"] if f["status"] != "not_assessed"]
    reported[0]["location"] = {"file": "evidence/with space.csv", "line": 0, "column": 0}
    reported[1]["location"] = None
    log = json.loads(render_sarif(document, audited.packs))
    assert _errors(sarif_validator, log) == []
    first, second = log["runs"][0]["results"][:2]
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "evidence/with%20space.csv", "uriBaseId": "WORKSPACE"}
    }
    assert "physicalLocation" not in second["locations"][0]
    assert second["locations"][0]["logicalLocations"][0]["name"] == reported[1]["subject"]


def test_baseline_state_follows_the_comparison(compared: Audited) -> None:
    comparison = compared.document["summary"]["comparison"]
    results = _sarif(compared)["runs"][0]["results"]
    # The comparison counts distinct fingerprints; one check may report several problems of
    # one subject under one fingerprint.
    states = {
        state: {
            r["partialFingerprints"]["charter/v1"] for r in results if r["baselineState"] == state
        }
        for state in ("new", "unchanged")
    }
    assert all("baselineState" in r for r in results)
    assert len(states["new"]) == comparison["new"]
    assert len(states["unchanged"]) == comparison["still_failing"]
    assert states["new"].isdisjoint(comparison["fixed_fingerprints"])


def test_first_run_has_no_baseline_state(audited: Audited) -> None:
    results = _sarif(audited)["runs"][0]["results"]
    assert all("baselineState" not in r for r in results)


def test_format_dispatch_reaches_the_sarif_renderer(audited: Audited) -> None:
    text = render_audit(AuditFormat.SARIF, audited.document, audited.packs)
    assert text == render_sarif(audited.document, audited.packs)


def test_a_workspace_prefix_locates_files_from_the_repository_root(
    audited: Audited, sarif_validator: jsonschema.protocols.Validator
) -> None:
    log = json.loads(render_sarif(audited.document, audited.packs, "partners/acme"))
    assert _errors(sarif_validator, log) == []
    run = log["runs"][0]
    assert set(run["originalUriBaseIds"]) == {"%SRCROOT%"}
    located = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in run["results"]
        if "physicalLocation" in r["locations"][0]
    ]
    assert located
    for artifact in located:
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert artifact["uri"].startswith("partners/acme/")
