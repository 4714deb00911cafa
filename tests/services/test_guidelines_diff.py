"""``charter guidelines diff``: what a new version changes and for which systems."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from charter.guidelines.library import BuiltinPackLibrary
from charter.services.guidelines_diff import diff_packs
from support import run_cli


def test_pack_diff_lists_exactly_the_released_changes() -> None:
    library = BuiltinPackLibrary()
    diff = diff_packs(
        library.get("partner-ai-usage", "2026.1"), library.get("partner-ai-usage", "2026.2")
    )
    assert (diff.added, diff.removed) == ([], [])
    changes = {
        (c.requirement, name): values for c in diff.changed for name, values in c.changes.items()
    }
    assert changes == {
        ("DOC-04", "documentation.review_freshness.max_age_days"): (365, 180),
        ("TRAN-01", "severity"): ("medium", "high"),
    }
    assert diff.settings == {
        "training_modules.responsible-ai-basics.changed_in": ("2026.1", "2026.2")
    }


def test_workspace_diff_names_the_systems_whose_verdict_changes(
    make_workspace: Callable[[Callable[[dict[str, Any]], None]], Path],
) -> None:
    def edit(files: dict[str, Any]) -> None:
        reco = files["systems/reco.yaml"]
        reco["reviews"][0]["date"] = "2026-04-01"
        reco["algorithmic_process"]["last_trained"] = "2026-03-01"
        second = json.loads(json.dumps(files["systems/reco.yaml"]))
        second.update(id="fresh", name="Freshly reviewed system")
        second["reviews"] = [{"date": "2026-10-01", "reviewer": "lead", "outcome": "approved"}]
        files["systems/fresh.yaml"] = second
        files["training/records.csv"] += "op,responsible-ai-basics,2026.2,2026-10-02,LMS-6\n"
        files["training/records.csv"] += "owner,responsible-ai-basics,2026.2,2026-10-02,LMS-7\n"

    ws = make_workspace(edit)
    diff = (
        "guidelines", "diff", "partner-ai-usage@2026.1", "partner-ai-usage@2026.2",
        "--workspace", str(ws), "--as-of", "2026-11-24",
    )  # fmt: skip
    result = run_cli(*diff, "--format", "json")
    assert result.returncode == 0, result.stderr
    systems = {s["system"]: s for s in json.loads(result.stdout)["systems"]}
    # reco's review of 2026-04-01 is 237 days old: fine under 365, stale under 180.
    assert set(systems) == {"reco"}
    assert systems["reco"]["newly_failing"] == ["DOC-04"]
    assert systems["reco"]["old_status"] == "compliant"

    text = run_cli(*diff)
    assert "system reco: compliant -> compliant; newly failing DOC-04" in text.stdout
    assert "~ DOC-04 documentation.review_freshness.max_age_days: 365.0 -> 180.0" in text.stdout


def test_guidelines_list_and_show() -> None:
    listed = json.loads(run_cli("guidelines", "list", "--format", "json").stdout)
    assert {(p["pack"], p["version"]) for p in listed} == {
        ("partner-ai-usage", "2026.1"),
        ("partner-ai-usage", "2026.2"),
        ("partner-ai-usage", "2026.3"),
        ("genai-content-production", "2026.1"),
    }
    assert sum(p["requirements"] for p in listed if p["version"] == "2026.1") >= 40
    shown = json.loads(
        run_cli("guidelines", "show", "genai-content-production", "--format", "json").stdout
    )
    assert shown["version"] == "2026.1"
    for requirement in shown["requirements"]:
        crosswalk = requirement["crosswalk"]
        assert crosswalk["nist_ai_rmf"] or crosswalk["iso_42001"] or crosswalk["eu_ai_act"]
    unknown = run_cli("guidelines", "show", "partner-ai-usage@2031.9")
    assert unknown.returncode == 2
    assert "unknown pack version (known: 2026.1, 2026.2, 2026.3)" in unknown.stderr
