"""The check registry: entry points (built-in and third-party), duplicates, catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import pytest

from charter.checks.registry import CheckRegistry, DuplicateCheckError, load_registry
from charter.domain.checks import Check, CheckContext, Outcome
from charter.guidelines.library import BuiltinPackLibrary, check_catalogue
from support import ROOT, run_cli

PLUGINS = ROOT / "tests" / "plugins"


def test_builtin_checks_load_through_the_entry_point() -> None:
    registry = load_registry()
    ids = [c.id for c in registry.all()]
    assert "documentation.review_freshness" in ids
    assert {registry.origin(i) for i in ids} == {"builtin"}


def test_every_builtin_check_is_in_the_catalogue_and_declares_what_packs_use() -> None:
    catalogue = check_catalogue()
    library = BuiltinPackLibrary()
    uses: dict[str, set[str]] = {}
    scopes: dict[str, set[str]] = {}
    for pack_id, version, _ in library.list_packs():
        for requirement in library.get(pack_id, version).requirements:
            for ref in requirement.checks:
                uses.setdefault(ref.id, set()).add(f"{pack_id}:{requirement.id}")
                scopes.setdefault(ref.id, set()).add(str(requirement.scope))
    for check in load_registry().all():
        assert check.id in catalogue, check.id
        assert catalogue[check.id].planned is None, f"{check.id} is built but marked planned"
        assert set(check.requirements) == uses.get(check.id, set()), check.id
        assert set(check.parameters) == set(catalogue[check.id].parameters), check.id
        assert check.__doc__, f"{check.id} has no docstring for the catalogue"
        assert scopes.get(check.id, set()) <= {str(s) for s in check.scopes}, check.id


def test_duplicate_ids_are_rejected() -> None:
    class One(Check):
        id = "x.same"
        title = "one"
        requirements: ClassVar[tuple[str, ...]] = ()

        def run(self, ctx: CheckContext) -> Outcome:
            raise NotImplementedError

    registry = CheckRegistry()
    registry.register(One)
    with pytest.raises(DuplicateCheckError, match=r"'x\.same' registered twice"):
        registry.register(One, origin="plugin")


def test_third_party_plugin_registers_through_a_real_entry_point(workspace_dir: Path) -> None:
    env = {"PYTHONPATH": str(PLUGINS / "demo")}
    listed = run_cli("checks", "list", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    entries = {e["id"]: e for e in json.loads(listed.stdout)}
    assert entries["demo.name_length"]["origin"] == "demo"
    assert entries["demo.name_length"]["requirements"] == ["partner-ai-usage:DOC-01"]

    audited = run_cli(
        "audit",
        str(workspace_dir),
        "--no-store",
        "--format",
        "json",
        "--as-of",
        "2026-11-24",
        env=env,
    )
    results = json.loads(audited.stdout)["results"]
    demo = [r for r in results if r["check"] == "demo.name_length"]
    assert [(r["requirement"], r["system"], r["status"]) for r in demo] == [
        ("DOC-01", "reco", "pass")
    ]


def test_plugin_reusing_a_builtin_id_is_an_input_error() -> None:
    result = run_cli("checks", "list", env={"PYTHONPATH": str(PLUGINS / "clash")})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "entry point charter.checks:clash (charter_clash_plugin:register_checks): cannot register "
        "checks: check id 'documentation.data_sources_documented' registered twice "
        "(builtin and clash)"
    )
