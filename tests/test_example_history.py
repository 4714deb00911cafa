"""``make demo``'s history of the example workspace: two audits a month apart and people
working the issues in between, on a copy of the example."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from support import EXAMPLE, ROOT, run_cli


def test_the_history_leaves_issues_in_every_kind_of_state(tmp_path: Path) -> None:
    workspace = tmp_path / "northwind"
    shutil.copytree(EXAMPLE, workspace, ignore=shutil.ignore_patterns(".charter"))
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sign_example_media.py"), str(workspace)],
        check=True, capture_output=True,
    )  # fmt: skip
    report = tmp_path / "report.html"
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_example_history.py"), str(workspace),
         str(report)],
        capture_output=True, text=True, check=False,
        env={**__import__("os").environ, **env},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert report.read_text().lower().startswith("<!doctype html>")
    database = f"sqlite:///{workspace / '.charter' / 'charter.db'}"
    env["CHARTER_DATABASE_URL"] = database
    listed = run_cli("issue", "list", "-w", str(workspace), "--as-of", "2026-11-24",
                     "--limit", "500", "-f", "json", env=env)  # fmt: skip
    issues = json.loads(listed.stdout)["issues"]
    by_requirement = {(i["requirement"], i["subject"].rsplit("#", 1)[-1]): i for i in issues}
    assert by_requirement[("PRIV-08", "system:campaign-insights/dpia_reference")]["state"] == (
        "verified"
    )
    card = by_requirement[("PRIV-03", "CREDIT_CARD")]
    assert (card["state"], card["reopened"], card["owner"]) == ("open", 1, "lena-okafor")
    labels = by_requirement[("TRAN-02", "system:promo-studio/transparency.ai_output_labelling")]
    assert labels["state"] == "accepted_risk"
    assert labels["acceptance"]["approver"] == "ines-duarte"
    reported = by_requirement[("PRIV-02", "tool:lingua-mt")]
    assert reported["reported"]["reference"] == "PLT-2026-1031"
    assert sum(1 for i in issues if i["overdue"]) >= 10
    assert len({i["id"] for i in issues}) == len(issues)
    _monitoring_and_training(workspace, env)
    verified = run_cli("log", "verify", "-w", str(workspace), env=env)
    assert verified.returncode == 0, verified.stderr


def _monitoring_and_training(workspace: Path, env: dict[str, str]) -> None:
    """Three calm weeks of campaign-insights, then the drift breach; an expired completion."""
    history = run_cli("monitor", "history", "-w", str(workspace), "-s", "campaign-insights",
                      "-m", "psi:score", "-f", "json", env=env)  # fmt: skip
    assert history.returncode == 0, history.stderr
    (series,) = json.loads(history.stdout)["series"]
    assert [(p["as_of"], p["breached"]) for p in series["points"]] == [
        ("2026-11-03", False), ("2026-11-10", False), ("2026-11-17", False),
        ("2026-11-24", True),
    ]  # fmt: skip
    runs = json.loads(run_cli("monitor", "history", "-w", str(workspace), "-f", "json",
                              env=env).stdout)["runs"]  # fmt: skip
    assert {r["system"] for r in runs if r["as_of"] == "2026-11-24"} == {
        "campaign-insights", "dub-pipeline", "qc-anomaly", "support-assistant", "voice-casting"
    }  # fmt: skip
    status = run_cli("training", "status", "-w", str(workspace), "--as-of", "2026-11-24",
                     "-f", "json", env=env)  # fmt: skip
    assert status.returncode == 0, status.stderr
    expired = json.loads(status.stdout)["expired"]
    assert [(e["person"], e["module"], e["expires_on"]) for e in expired] == [
        ("hannah-cole", "responsible-ai-basics", "2026-11-10")
    ]
