"""Compliance issues end to end: audits open, verify and reopen them; people move them through
the workflow; overdue and unreported issues come back as REM findings."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from support import run_cli

Edit = Callable[[dict[str, Any]], None]


def _without_dpia(files: dict[str, Any]) -> None:
    del files["systems/reco.yaml"]["dpia_reference"]


def _cli(root: Path, *args: str) -> Any:
    env = {"CHARTER_CONFIG_DIR": str(root.parent / "cfg")}
    return run_cli(*args, env=env, cwd=root)


def _audit(root: Path, as_of: str) -> dict[str, Any]:
    result = _cli(root, "audit", str(root), "--as-of", as_of, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "issues:" in result.stderr
    return json.loads(result.stdout)


def _issues(root: Path, *args: str) -> list[dict[str, Any]]:
    listed = _cli(root, "issue", "list", "--format", "json", *args)
    assert listed.returncode == 0, listed.stderr
    issues: list[dict[str, Any]] = json.loads(listed.stdout)["issues"]
    return issues


def _set_dpia(root: Path, value: str | None) -> None:
    card = root / "systems" / "reco.yaml"
    data = yaml.safe_load(card.read_text())
    if value is None:
        data.pop("dpia_reference", None)
    else:
        data["dpia_reference"] = value
    card.write_text(yaml.safe_dump(data, sort_keys=False))


def test_an_issue_from_finding_to_verified_and_back(
    make_workspace: Callable[[Edit], Path],
) -> None:
    root = make_workspace(_without_dpia)
    _audit(root, "2026-11-01")
    (issue,) = _issues(root)
    assert issue["requirement"] == "PRIV-08"
    assert issue["state"] == "open"
    assert issue["due_on"] == "2026-12-01"  # high: 30 days (remediation_days)
    _audit(root, "2026-11-02")
    assert len(_issues(root)) == 1  # the same finding never opens a second issue

    ident = issue["id"]
    refused = _cli(root, "issue", "move", ident, "fixed", "--as", "lead")
    assert refused.returncode == 2
    assert "cannot move from open to fixed" in refused.stderr
    assert _cli(root, "issue", "move", ident, "triaged", "--as", "lead").returncode == 0
    early = _cli(root, "issue", "move", ident, "in_remediation", "--as", "lead")
    assert "assign an owner" in early.stderr
    assert _cli(root, "issue", "assign", ident, "--owner", "owner", "--as", "lead").returncode == 0
    assert _cli(root, "issue", "move", ident, "in_remediation", "--as", "owner").returncode == 0
    recorded = _cli(
        root, "issue", "comment", ident, "-m", "DPO asked", "--as", "owner",
        "--record", "experts_consulted=DPO", "--root-cause", "DPIA filed but not linked",
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    fixed = _cli(root, "issue", "move", ident, "fixed", "--fix", "linked DPIA-9", "--as", "owner")
    assert fixed.returncode == 0, fixed.stderr
    by_hand = _cli(root, "issue", "move", ident, "verified", "--as", "lead")
    assert "only an audit" in by_hand.stderr

    _set_dpia(root, "DPIA-9 recommender")
    _audit(root, "2026-11-20")
    (verified,) = _issues(root)
    assert verified["state"] == "verified"
    assert _cli(root, "issue", "move", ident, "closed", "--as", "lead").returncode == 0

    _set_dpia(root, None)
    _audit(root, "2026-11-25")
    (back,) = _issues(root)
    assert (back["state"], back["reopened"], back["due_on"]) == ("open", 1, "2026-12-25")
    shown = json.loads(_cli(root, "issue", "show", ident, "--format", "json").stdout)
    assert shown["troubleshooting"] == {"experts_consulted": "DPO", "fix": "linked DPIA-9"}
    assert shown["root_cause"] == "DPIA filed but not linked"
    kinds = [(e["kind"], e["actor"], e["to"]) for e in shown["history"]]
    assert kinds[0] == ("opened", "audit", "open")
    assert ("moved", "audit", "verified") in kinds
    assert kinds[-1] == ("moved", "audit", "open")


def test_overdue_and_unreported_issues_become_rem_findings(
    make_workspace: Callable[[Edit], Path],
) -> None:
    root = make_workspace(_without_dpia)
    _audit(root, "2026-11-01")
    (issue,) = _issues(root)
    later = _audit(root, "2026-12-15")
    rem = {f["requirement"]: f for f in later["findings"] if f["requirement"].startswith("REM")}
    assert set(rem) == {"REM-01", "REM-02"}
    assert rem["REM-01"]["subject"] == f"record:{issue['id']}"
    assert "14 days past its due date 2026-12-01" in rem["REM-01"]["message"]
    assert "was due at the platform by 2026-11-16" in rem["REM-02"]["message"]
    assert len(_issues(root)) == 1  # REM findings open no issues of their own

    out = root / "report.json"
    reported = _cli(root, "issue", "report", issue["id"], "--reference", "PLT-77",
                    "--output", str(out), "--as", "lead", "--as-of", "2026-12-16")  # fmt: skip
    assert reported.returncode == 0, reported.stderr
    document = json.loads(out.read_text())
    assert document["schema"] == "charter.issue-report/v1"
    assert document["issue"]["id"] == issue["id"]
    assert document["reference"] == "PLT-77"
    after = _audit(root, "2026-12-17")
    assert {f["requirement"] for f in after["findings"] if f["requirement"].startswith("REM")} == {
        "REM-01"
    }


def test_accepting_a_risk_needs_an_approver_and_expires(
    make_workspace: Callable[[Edit], Path],
) -> None:
    root = make_workspace(_without_dpia)
    _audit(root, "2026-11-01")
    (issue,) = _issues(root)
    ident = issue["id"]
    args = ("issue", "move", ident, "accepted_risk", "--justification", "legacy system",
            "--expires", "2026-12-01", "--as-of", "2026-11-02")  # fmt: skip
    refused = _cli(root, *args, "--as", "owner")
    assert refused.returncode == 2
    assert refused.stderr.strip() == f"{ident}: 'owner' does not hold the approver role"
    assert _cli(root, *args, "--as", "lead").returncode == 0
    _audit(root, "2026-11-20")
    assert _issues(root)[0]["state"] == "accepted_risk"
    assert _issues(root, "--overdue", "--as-of", "2026-12-15") == []
    _audit(root, "2026-12-02")  # the acceptance ran out
    (reopened,) = _issues(root)
    assert reopened["state"] == "open"
    assert reopened["acceptance"] is None
