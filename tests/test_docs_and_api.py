"""Docs generated from code are current; the public API is what ``__all__`` says."""

from __future__ import annotations

import importlib
import subprocess
import sys

import charter
from support import ROOT


def test_generated_docs_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_every_builtin_check_is_documented_with_threshold_sources() -> None:
    text = (ROOT / "docs" / "checks.md").read_text()
    from charter.checks.registry import load_registry

    for check in load_registry().all():
        assert f"## {check.id}" in text
    assert "| max_age_days = 365 days (a maximum: stricter is lower) | charter-default" in text


def test_public_api_is_curated_and_importable() -> None:
    assert charter.__all__ == sorted(charter.__all__)
    for name in charter.__all__:
        assert getattr(charter, name) is not None, name
    assert charter.Status.PASS.value == "pass"
    assert (
        charter.load_workspace is importlib.import_module("charter.workspace.loader").load_workspace
    )


def test_cli_startup_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from charter.cli.app import app; "
        "heavy = [m for m in ('pydantic', 'sqlalchemy', 'alembic', 'yaml', 'cryptography', 'rich') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
