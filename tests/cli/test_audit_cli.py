"""``charter audit`` end to end: outputs, exit codes, storage, actor, history commands."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from pypdf import PdfReader

from charter.reports.audit_json import audit_schema
from support import ROOT, run_cli

GOLDEN = ROOT / "tests" / "cli" / "golden" / "minimal-audit.json"
AS_OF = "2026-11-24"


def _audit_json(
    ws: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    result = run_cli("audit", str(ws), "--as-of", AS_OF, "--format", "json", *args, env=env)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def _normalised(document: dict[str, Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    for key in ("run_id", "started_at", "finished_at"):
        copy[key] = f"<{key}>"
    for result in copy["results"]:
        result["duration_ms"] = 0
    return copy


def test_json_output_follows_the_v1_contract(workspace_dir: Path, tmp_path: Path) -> None:
    code, document = _audit_json(workspace_dir, "--no-store")
    assert code == 0
    validator = jsonschema.Draft202012Validator(
        audit_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert document["schema"] == "charter.audit/v1"
    assert document["summary"]["status"] == "compliant"
    assert document["summary"]["score"] == 100.0


def test_json_output_matches_the_golden_file(workspace_dir: Path) -> None:
    """Any change to the contract or to the verdicts on this workspace shows up here.
    Regenerate with CHARTER_UPDATE_GOLDEN=1 after checking the change is intended."""
    _, document = _audit_json(workspace_dir, "--no-store")
    actual = _normalised(document)
    if os.environ.get("CHARTER_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(actual, indent=2) + "\n")
    assert actual == json.loads(GOLDEN.read_text())


def test_schema_rejects_a_document_off_contract(workspace_dir: Path) -> None:
    _, document = _audit_json(workspace_dir, "--no-store")
    document["summary"]["status"] = "mostly_fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, audit_schema())
    del document["summary"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, audit_schema())


def test_exit_codes_follow_fail_on(make_workspace: Callable[[Any], Path]) -> None:
    def stale_review(files: dict[str, Any]) -> None:  # DOC-04 is medium
        files["systems/reco.yaml"]["reviews"][0]["date"] = "2025-01-10"

    ws = make_workspace(stale_review)
    assert run_cli("audit", str(ws), "--as-of", AS_OF, "--no-store").returncode == 0
    result = run_cli("audit", str(ws), "--as-of", AS_OF, "--no-store", "--fail-on", "medium")
    assert result.returncode == 1
    assert "last review 2025-01-10 is 683 days old (limit 365)" in result.stdout
    # The same card was fine a year earlier: --as-of judges dates.
    earlier = run_cli("audit", str(ws), "--as-of", "2025-06-01", "--no-store", "--fail-on", "low")
    assert "last review" not in earlier.stdout


def test_a_check_that_raises_is_an_error_result_and_exit_1(
    tmp_path: Path, workspace_dir: Path
) -> None:
    plugin = tmp_path / "plugin"
    (plugin / "boom_plugin").mkdir(parents=True)
    (plugin / "boom_plugin" / "__init__.py").write_text(
        "from charter.domain.checks import Check\n"
        "class Boom(Check):\n"
        "    '''Always raises.'''\n"
        "    id = 'boom.always'\n    title = 'boom'\n"
        "    requirements = ('partner-ai-usage:DOC-02',)\n"
        "    def run(self, ctx):\n        raise OSError('evidence unreadable')\n"
        "def register_checks():\n    return [Boom]\n"
    )
    info = plugin / "boom_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: boom-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[charter.checks]\nboom = boom_plugin:register_checks\n")
    code, document = _audit_json(workspace_dir, "--no-store", env={"PYTHONPATH": str(plugin)})
    assert code == 1
    [result] = [r for r in document["results"] if r["check"] == "boom.always"]
    assert result["status"] == "error"
    [finding] = [f for f in document["findings"] if f["check"] == "boom.always"]
    assert finding["message"] == "check raised OSError: evidence unreadable"
    assert document["summary"]["status"] == "at_risk"
    others = [r for r in document["results"] if r["check"] != "boom.always"]
    assert all(r["status"] != "error" for r in others)  # the run went on


def test_runs_are_stored_and_listed(workspace_dir: Path, tmp_path: Path) -> None:
    env = {"CHARTER_USER": "lee@acme.example"}
    first = run_cli("audit", str(workspace_dir), "--as-of", AS_OF, "--format", "json", env=env)
    second = run_cli(
        "audit", str(workspace_dir), "--as-of", AS_OF, "--as", "owner", "--format", "json"
    )
    assert (first.returncode, second.returncode) == (0, 0)
    run_1, run_2 = json.loads(first.stdout), json.loads(second.stdout)
    assert (run_1["actor"], run_2["actor"]) == ("lead", "owner")
    assert run_2["summary"]["comparison"]["previous_run_id"] == run_1["run_id"]
    listed = run_cli("runs", "list", "--workspace", str(workspace_dir), "--format", "json")
    assert [r["run_id"] for r in json.loads(listed.stdout)] == [run_2["run_id"], run_1["run_id"]]
    shown = run_cli(
        "runs", "show", run_1["run_id"], "--workspace", str(workspace_dir), "--format", "json"
    )
    assert json.loads(shown.stdout) == run_1
    table = run_cli("runs", "show", run_1["run_id"][:20], "--workspace", str(workspace_dir))
    assert run_1["run_id"] in table.stdout
    missing = run_cli("runs", "show", "NOPE", "--workspace", str(workspace_dir))
    assert missing.returncode == 2
    assert missing.stderr.strip() == "run: unknown run id 'NOPE'"
    assert (workspace_dir / ".charter" / "charter.db").is_file()


def test_postgres_storage_through_the_cli(workspace_dir: Path) -> None:
    url = os.environ.get("CHARTER_TEST_DATABASE_URL")
    if not url:
        pytest.skip("CHARTER_TEST_DATABASE_URL not set")
    env = {"CHARTER_DATABASE_URL": url}
    result = run_cli("audit", str(workspace_dir), "--as-of", AS_OF, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    run_id = json.loads(result.stdout)["run_id"]
    shown = run_cli("runs", "show", run_id, "--format", "json", env=env)
    assert json.loads(shown.stdout)["run_id"] == run_id
    assert not (workspace_dir / ".charter" / "charter.db").exists()


def test_output_file_and_terminal_summary(workspace_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "audit.json"
    result = run_cli(
        "audit", str(workspace_dir), "--as-of", AS_OF, "--no-store", "--output", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text())["schema"] == "charter.audit/v1"
    assert "Status: compliant" in result.stdout
    assert f"wrote json report to {target}" in result.stdout


def _pdf_text(path: Path) -> str:
    assert path.read_bytes().startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_pdf_report_is_written_to_a_file_never_to_the_terminal(
    workspace_dir: Path, tmp_path: Path
) -> None:
    refused = run_cli("audit", str(workspace_dir), "--as-of", AS_OF, "--format", "pdf")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.strip() == (
        "--format pdf: a binary file is not written to the terminal; add --output"
    )
    assert not (workspace_dir / ".charter" / "charter.db").exists()  # refused before any work
    target = tmp_path / "out" / "audit.pdf"
    result = run_cli("audit", str(workspace_dir), "--as-of", AS_OF, "--no-store", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert "Status: compliant" in result.stdout
    assert f"wrote pdf report to {target}" in result.stdout
    text = _pdf_text(target)
    assert "Compliant" in text
    assert "No findings." in text
    assert [p.name for p in target.parent.iterdir()] == ["audit.pdf"]  # no temporary left


def test_a_stored_run_is_shown_as_pdf(workspace_dir: Path, tmp_path: Path) -> None:
    stored = run_cli("audit", str(workspace_dir), "--as-of", AS_OF, "--format", "json")
    assert stored.returncode == 0, stored.stderr
    run_id = json.loads(stored.stdout)["run_id"]
    show = ("runs", "show", run_id, "--workspace", str(workspace_dir))
    refused = run_cli(*show, "--format", "pdf")
    assert (refused.returncode, refused.stdout) == (2, "")
    assert len(refused.stderr.splitlines()) == 1
    target = tmp_path / "run.pdf"
    shown = run_cli(*show, "-o", str(target))  # the format from the suffix
    assert shown.returncode == 0, shown.stderr
    assert run_id in _pdf_text(target)


def test_system_filter_limits_the_audit(workspace_dir: Path) -> None:
    _, document = _audit_json(workspace_dir, "--no-store", "--system", "reco")
    assert {r["system"] for r in document["results"]} <= {"reco"}


def test_fingerprints_are_unique_within_a_run(make_workspace: Callable[[Any], Path]) -> None:
    def many_problems(files: dict[str, Any]) -> None:
        source = files["systems/reco.yaml"]["data_sources"][0]
        del source["legal_basis"], source["retention_days"]
        source["special_categories"] = True
        files["systems/reco.yaml"]["reviews"][0]["reviewer"] = "owner"

    _, document = _audit_json(make_workspace(many_problems), "--no-store")
    fingerprints = [f["fingerprint"] for f in document["findings"]]
    assert len(fingerprints) == len(set(fingerprints))
    subjects = {f["subject"] for f in document["findings"] if f["requirement"] == "PRIV-01"}
    assert subjects == {
        "system:reco/data_sources.views.legal_basis",
        "system:reco/data_sources.views.retention_days",
        "system:reco/data_sources.views.consent_reference",
    }


def test_reordering_a_list_keeps_fingerprints(make_workspace: Callable[[Any], Path]) -> None:
    second = {
        "id": "clicks",
        "name": "Clicks",
        "kind": "features",
        "location": "warehouse.clicks",
        "personal_data": False,
    }  # no provenance: DOC-01 fails on it

    def first_order(files: dict[str, Any]) -> None:
        files["systems/reco.yaml"]["data_sources"].append(second)

    ws = make_workspace(first_order)
    _, before = _audit_json(ws, "--fail-on", "critical")
    card = ws / "systems" / "reco.yaml"
    data = yaml.safe_load(card.read_text())
    data["data_sources"].reverse()
    card.write_text(yaml.safe_dump(data, sort_keys=False))
    _, after = _audit_json(ws, "--fail-on", "critical")
    [doc01] = [f for f in after["findings"] if f["requirement"] == "DOC-01"]
    assert doc01["subject"] == "system:reco/data_sources.clicks"
    assert doc01["location"]["line"] != next(
        f["location"]["line"] for f in before["findings"] if f["requirement"] == "DOC-01"
    )
    comparison = after["summary"]["comparison"]
    assert (comparison["new"], comparison["fixed"]) == (0, 0)
