"""OSCAL assessment results: valid by compliance-trestle's OSCAL 1.2 models, faithful to
the audit document, stable when a stored run is rendered again."""

from __future__ import annotations

import json
from pathlib import Path

from audited_workspace import Audited
from trestle.oscal import assessment_results as oscal

from charter.reports.formats import AuditFormat, infer_format, render_audit
from charter.reports.oscal import oscal_document
from support import run_cli


def test_trestle_accepts_the_document_and_every_finding_is_an_observation(
    audited: Audited,
) -> None:
    document = oscal_document(audited.document, audited.packs)
    model = oscal.Model.model_validate(document)
    (result,) = model.assessment_results.results
    reported = list(audited.document["findings"])
    assert reported
    assert len(result.observations or []) == len(reported)
    by_fingerprint = {
        next(p.value for p in o.props or [] if p.name == "fingerprint"): o
        for o in result.observations or []
    }
    assert set(by_fingerprint) == {f["fingerprint"] for f in reported}
    states = {f.target.target_id: f.target.status.state.value for f in result.findings or []}
    failing = {f"{f['pack']}.{f['requirement']}" for f in reported if f["status"] != "not_assessed"}
    for objective in failing:
        assert states[objective] == "not-satisfied"
    assert "satisfied" in states.values()  # requirements that passed are there too
    assert model.assessment_results.metadata.oscal_version.root.root == oscal.OSCAL_VERSION


def test_rendering_a_stored_run_again_gives_the_same_document(audited: Audited) -> None:
    first = render_audit(AuditFormat.OSCAL, audited.document, audited.packs)
    again = render_audit(AuditFormat.OSCAL, json.loads(json.dumps(audited.document)),
                         audited.packs)  # fmt: skip
    assert first == again
    assert infer_format("results.oscal.json") is AuditFormat.OSCAL
    assert infer_format("results.json") is AuditFormat.JSON


def test_cli_writes_oscal(workspace_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.oscal.json"
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    done = run_cli(
        "audit", str(workspace_dir), "--as-of", "2026-11-24", "--no-store", "--output",
        str(out), env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    oscal.Model.model_validate(json.loads(out.read_text()))
