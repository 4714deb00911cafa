"""``charter training import|status`` end to end on the minimal workspace."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support import run_cli

Edit = Callable[[dict[str, Any]], None]


def _status(root: Path, as_of: str) -> dict[str, Any]:
    shown = run_cli("training", "status", "-w", str(root), "--as-of", as_of, "-f", "json")
    assert shown.returncode == 0, shown.stderr
    document: dict[str, Any] = json.loads(shown.stdout)
    return document


def _no_edit(files: dict[str, Any]) -> None:
    return None


def test_status_by_system_and_team_with_expiry(make_workspace: Callable[[Edit], Path]) -> None:
    root = make_workspace(_no_edit)
    now = _status(root, "2026-11-24")
    assert (now["required"], now["trained"], now["coverage"]) == (5, 5, 1.0)
    reco = next(row for row in now["by_system"] if row["name"] == "reco")
    assert (reco["required"], reco["trained"]) == (4, 4)
    assert {row["name"] for row in now["by_team"]} == {"Data", "Board"}
    # completions of 2026-03-01..04 last 365 days: by mid-February some expire within 30 days
    soon = _status(root, "2027-02-10")
    assert {(r["person"], r["module"]) for r in soon["expiring"]} == {
        ("owner", "responsible-ai-basics"), ("owner", "ai-system-ownership"),
        ("exec", "ai-system-ownership"), ("op", "responsible-ai-basics"),
        ("owner", "genai-in-production"),
    }  # fmt: skip
    later = _status(root, "2027-03-03")
    expired = {(r["person"], r["module"]) for r in later["expired"]}
    assert ("owner", "responsible-ai-basics") in expired
    assert later["coverage"] < 1.0


def test_a_new_guideline_version_outdates_changed_modules(
    make_workspace: Callable[[Edit], Path],
) -> None:
    def pin_2026_2(files: dict[str, Any]) -> None:
        files["charter.yaml"]["guidelines"][0]["version"] = "2026.2"

    document = _status(make_workspace(pin_2026_2), "2026-11-24")
    outdated = {(r["person"], r["module"], r["last_version"]) for r in document["outdated"]}
    # responsible-ai-basics changed in 2026.2: completions for 2026.1 no longer count
    assert outdated == {
        ("owner", "responsible-ai-basics", "2026.1"),
        ("op", "responsible-ai-basics", "2026.1"),
    }


def test_import_adds_valid_completions_and_refuses_bad_rows(
    make_workspace: Callable[[Edit], Path], tmp_path: Path
) -> None:
    root = make_workspace(_no_edit)
    env = {"CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    records = root / "training" / "records.csv"
    before = records.read_text()
    bad = tmp_path / "lms-bad.csv"
    bad.write_text(
        "person,module,version,completed_on,evidence\n"
        "op,responsible-ai-basics,2026.1,2026-11-01,LMS-9\n"
        "ghost,responsible-ai-basics,2026.1,2026-11-01,LMS-10\n"
        "op,prompt-golf,2026.1,2026-11-01,LMS-11\n"
        "op,responsible-ai-basics,2026.1,2026-13-01,LMS-12\n"
    )
    refused = run_cli("training", "import", str(bad), "-w", str(root), "--as", "lead", env=env)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert any(line.startswith(f"{bad}:3:1: unknown person 'ghost'") for line in lines), lines
    assert any(line.startswith(f"{bad}:4:4: unknown module 'prompt-golf'") for line in lines)
    assert any(line.startswith(f"{bad}:5:") and "completed_on" in line for line in lines)
    assert records.read_text() == before  # nothing written

    good = tmp_path / "lms.csv"
    good.write_text(
        "person,module,version,completed_on,evidence\n"
        "op,responsible-ai-basics,2026.1,2026-11-01,LMS-9\n"
        "owner,responsible-ai-basics,2026.1,2026-03-01,LMS-1\n"
    )
    imported = run_cli("training", "import", str(good), "-w", str(root), "--as", "lead", env=env)
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 new completions" in imported.stdout
    assert "(1 already recorded)" in imported.stdout
    assert "op,responsible-ai-basics,2026.1,2026-11-01,LMS-9" in records.read_text()
    assert run_cli("validate", str(root), env=env).returncode == 0
    trail = run_cli("log", "verify", "-w", str(root), "--format", "json", env=env)
    assert json.loads(trail.stdout)["entries"] == 1  # the import is on the audit trail
