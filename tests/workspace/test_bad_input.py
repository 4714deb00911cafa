"""Every kind of bad input: one clear line with its location, exit code 2, nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import run_cli

Edit = Callable[[dict[str, Any]], None]


def _write_raw(files: dict[str, Any], rel: str, text: str) -> None:
    files[rel] = text


def _problems(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_valid_workspace_validates(workspace_dir: Path) -> None:
    result = run_cli("validate", str(workspace_dir))
    assert result.returncode == 0, result.stderr
    assert "valid - 1 systems, 1 use cases" in result.stdout


def test_malformed_yaml(make_workspace: Callable[[Edit], Path]) -> None:
    ws = make_workspace(
        lambda f: _write_raw(f, "tools.yaml", "tools:\n  - id: x\n    name: [unclosed\n")
    )
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    [line] = _problems(result)
    assert line.startswith(f"{ws / 'tools.yaml'}:")
    assert "invalid YAML" in line
    assert not (ws / ".charter").exists()


def test_unknown_field_suggests_the_right_one(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        card = files["systems/reco.yaml"]
        card["ownr"] = card.pop("owner")

    ws = make_workspace(edit)
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    problems = _problems(result)
    card = ws / "systems" / "reco.yaml"
    line = next(
        i for i, text in enumerate(card.read_text().splitlines(), 1) if text.startswith("ownr")
    )
    assert f"{card}:{line}:1: unknown field 'ownr' (did you mean 'owner'?)" in problems
    assert any("missing required field 'owner'" in p for p in problems)


def test_nested_unknown_field_hint(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["systems/reco.yaml"]["data_sources"][0]["retension_days"] = 30

    result = run_cli("validate", str(make_workspace(edit)))
    assert result.returncode == 2
    assert "unknown field 'retension_days' (did you mean 'retention_days'?)" in result.stderr


def test_wrong_type(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["systems/reco.yaml"]["user_facing"] = "sometimes"

    ws = make_workspace(edit)
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    [line] = _problems(result)
    card = ws / "systems" / "reco.yaml"
    number = next(
        i
        for i, text in enumerate(card.read_text().splitlines(), 1)
        if text.startswith("user_facing")
    )
    assert line.startswith(f"{card}:{number}:1: user_facing: ")
    assert "'sometimes'" in line


def test_duplicate_ids(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        people = files["people.yaml"]["people"]
        people.append({**people[1], "name": "Another Owner"})

    ws = make_workspace(edit)
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    [line] = _problems(result)
    assert line.startswith(f"{ws / 'people.yaml'}:")
    assert line.endswith("duplicate person id 'owner'")


def test_card_id_must_match_file_name(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["systems/reco.yaml"]["id"] = "recommender"

    result = run_cli("validate", str(make_workspace(edit)))
    assert result.returncode == 2
    assert "id 'recommender' does not match the file name 'reco'" in result.stderr


def test_dangling_tool_reference(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["systems/reco.yaml"]["tools"] = ["mlplat", "ghost-tool"]

    ws = make_workspace(edit)
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    [line] = _problems(result)
    card = ws / "systems" / "reco.yaml"
    lines = card.read_text().splitlines()
    number = next(i for i, text in enumerate(lines, 1) if "ghost-tool" in text)
    column = lines[number - 1].index("ghost-tool") + 1
    assert line == f"{card}:{number}:{column}: unknown tool 'ghost-tool' (not in tools.yaml)"


def test_privacy_evidence_names_a_declared_source(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["systems/reco.yaml"]["evaluations"]["privacy"] = [
            {"id": "chats", "path": "evidence/chats.txt", "source": "ghost-source"}
        ]

    ws = make_workspace(edit)
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    [line] = _problems(result)
    card = ws / "systems" / "reco.yaml"
    lines = card.read_text().splitlines()
    number = next(i for i, text in enumerate(lines, 1) if "ghost-source" in text)
    assert line.startswith(f"{card}:{number}:")
    assert line.endswith("unknown data source 'ghost-source' (not in data_sources)")


def _review_age_override(value: float, **extra: str) -> dict[str, Any]:
    """A charter.yaml threshold entry for DOC-04's review age."""
    return {
        "pack": "partner-ai-usage",
        "requirement": "DOC-04",
        "check": "documentation.review_freshness",
        "parameter": "max_age_days",
        "value": value,
        **extra,
    }


def test_loosened_threshold(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["charter.yaml"]["thresholds"] = [_review_age_override(400)]

    ws = make_workspace(edit)
    for command in (["validate"], ["audit", "--as-of", "2026-11-24"]):
        result = run_cli(*command, str(ws))
        assert result.returncode == 2
        [line] = _problems(result)
        assert line.startswith(f"{ws / 'charter.yaml'}:")
        assert "max_age_days=400 is looser than the pack's 365 (direction max)" in line
    assert not (ws / ".charter" / "charter.db").exists()


def test_stricter_threshold_is_applied(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["charter.yaml"]["thresholds"] = [_review_age_override(90, reason="quarterly reviews")]

    ws = make_workspace(edit)
    result = run_cli(
        "audit",
        str(ws),
        "--as-of",
        "2026-11-24",
        "--no-store",
        "--format",
        "json",
        "--fail-on",
        "medium",
    )
    assert result.returncode == 1
    assert "last review 2026-06-15 is 162 days old (limit 90)" in result.stdout


def test_unknown_training_module(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["training/records.csv"] += "op,prompt-101,2026.1,2026-03-05,LMS-9\n"

    ws = make_workspace(edit)
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    [line] = _problems(result)
    assert line.startswith(
        f"{ws / 'training' / 'records.csv'}:7:4: unknown training module 'prompt-101'"
    )


def test_bad_training_date(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["training/records.csv"] += "op,responsible-ai-basics,2026.1,yesterday,LMS-9\n"

    ws = make_workspace(edit)
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    [line] = _problems(result)
    assert line.startswith(f"{ws / 'training' / 'records.csv'}:7:33: completed_on:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--system", "nope"], "--system: unknown system 'nope' (known: reco)"),
        (["--guidelines", "partner-ai-usage@1999.1"], "unknown pack version"),
        (["--guidelines", "no-such-pack"], "unknown guideline pack 'no-such-pack'"),
        (["--as-of", "24/11/2026"], "--as-of: '24/11/2026' is not a date"),
        (["--fail-on", "severe"], "--fail-on: 'severe' is not one of"),
        (["--as", "nobody"], "--as: 'nobody' is not in people.yaml"),
    ],
)
def test_bad_audit_options(workspace_dir: Path, args: list[str], message: str) -> None:
    result = run_cli("audit", str(workspace_dir), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(_problems(result)) == 1


def test_missing_workspace(tmp_path: Path) -> None:
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 2
    assert _problems(result) == [
        f"{tmp_path / 'charter.yaml'}: no charter.yaml here: run 'charter init' to create one"
    ]


def test_init_scaffolds_a_valid_workspace(tmp_path: Path) -> None:
    target = tmp_path / "New Partner"
    result = run_cli("init", str(target))
    assert result.returncode == 0, result.stderr
    validated = run_cli("validate", str(target))
    assert validated.returncode == 0, validated.stderr
    assert "partner-ai-usage@2026.3" in validated.stdout
    again = run_cli("init", str(target))
    assert again.returncode == 2
    assert "a workspace already exists here" in again.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["audit", "--bogus"], "charter audit: No such option: --bogus (see --help)"),
        (["runs", "show"], "charter runs show: Missing argument 'run_id'. (see --help)"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], expected: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert _problems(result) == [expected]


def test_hostile_workspace_files(workspace_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: outside\n")
    (workspace_dir / "systems" / "linked.yaml").symlink_to(outside)
    (workspace_dir / "systems" / "folder.yaml").mkdir()
    (workspace_dir / "systems" / "shout.YAML").write_text("id: shout\n")
    (workspace_dir / "usecases" / "loop.yaml").write_text("id: &a\n  x: *a\n")
    result = run_cli("validate", str(workspace_dir))
    assert result.returncode == 2
    systems, usecases = workspace_dir / "systems", workspace_dir / "usecases"
    assert sorted(_problems(result)) == sorted(
        [
            f"{systems / 'folder.yaml'}: not a regular file",
            f"{systems / 'linked.yaml'}: links outside the workspace",
            f"{systems / 'shout.YAML'}: use the .yaml extension (lower case)",
            f"{usecases / 'loop.yaml'}:1:5: recursive alias: a value contains itself",
        ]
    )


def test_evidence_paths_stay_inside_the_workspace(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["systems/reco.yaml"]["evaluations"] = {
            "fairness": [{"id": "log", "path": "../../etc/passwd"}]
        }

    result = run_cli("validate", str(make_workspace(edit)))
    assert result.returncode == 2
    assert "value error, must not contain '..'" in result.stderr


def test_bad_output_path_stores_nothing(workspace_dir: Path) -> None:
    target = workspace_dir / "out.json"
    target.mkdir()
    result = run_cli("audit", str(workspace_dir), "--output", str(target))
    assert result.returncode == 2
    assert _problems(result) == [f"--output: cannot write a file at '{target}'"]
    assert not (workspace_dir / ".charter" / "charter.db").exists()


def test_pack_references_cannot_name_paths(workspace_dir: Path) -> None:
    result = run_cli("audit", str(workspace_dir), "--guidelines", "../../../../etc/passwd@2026.1")
    assert result.returncode == 2
    assert _problems(result) == [
        "../../../../etc/passwd@2026.1: not a pack reference: expected PACK or PACK@YYYY.N"
    ]


def test_history_commands_need_a_workspace(tmp_path: Path) -> None:
    result = run_cli("runs", "list", "--workspace", str(tmp_path))
    assert result.returncode == 2
    assert _problems(result) == [
        f"{tmp_path}: not a workspace (no charter.yaml): no run database here"
    ]
    assert not (tmp_path / ".charter").exists()


def test_subset_of_pinned_packs_audits(workspace_dir: Path) -> None:
    result = run_cli(
        "audit",
        str(workspace_dir),
        "--no-store",
        "--guidelines",
        "genai-content-production",
        "--format",
        "json",
        "--as-of",
        "2026-11-24",
    )
    assert result.returncode == 0, result.stderr


def test_unknown_training_column_is_located(make_workspace: Callable[[Edit], Path]) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["training/records.csv"] = files["training/records.csv"].replace(
            "completed_on,evidence", "completed_on,evidense"
        )

    ws = make_workspace(edit)
    result = run_cli("validate", str(ws))
    assert result.returncode == 2
    column = len("person,module,version,completed_on,") + 1
    where = f"{ws / 'training' / 'records.csv'}:1:{column}"
    assert _problems(result) == [f"{where}: unknown column 'evidense' (did you mean 'evidence'?)"]


def test_training_file_that_is_not_a_regular_file(workspace_dir: Path, tmp_path: Path) -> None:
    records = workspace_dir / "training" / "records.csv"
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(records.read_text())
    records.unlink()
    records.symlink_to(outside)
    result = run_cli("validate", str(workspace_dir))
    assert result.returncode == 2
    assert _problems(result) == [f"{records}: not a regular file inside the workspace"]
