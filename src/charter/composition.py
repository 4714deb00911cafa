"""The composition root: the one place that wires adapters to services for a command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from charter.checks.registry import CheckRegistry, load_registry
from charter.domain.workspace import Workspace
from charter.engines.keys.keystore import KeyStore, default_config_dir, fingerprint_of
from charter.engines.store.database import database_url, open_database
from charter.engines.store.runs import SqlRunStore
from charter.guidelines.library import BuiltinPackLibrary
from charter.workspace.loader import load_workspace
from charter.workspace.scaffold import scaffold_workspace
from charter.workspace.schemas import export_schemas

# Adapters the CLI uses directly, handed out here so the CLI depends on the root only.
__all__ = [
    "export_schemas",
    "fingerprint_of",
    "git_email",
    "keystore",
    "pack_library",
    "registry",
    "run_store",
    "scaffold_workspace",
    "workspace",
]


def registry() -> CheckRegistry:
    return load_registry()


def pack_library() -> BuiltinPackLibrary:
    return BuiltinPackLibrary()


def workspace(root: Path) -> Workspace:
    """Load a workspace with its paths shown as the user typed them."""
    return load_workspace(root)


def run_store(workspace_root: Path) -> SqlRunStore:
    return SqlRunStore(open_database(database_url(workspace_root)))


def keystore() -> KeyStore:
    return KeyStore(default_config_dir())


def git_email(cwd: Path) -> str | None:
    """The repository's configured git e-mail, if git and a value exist."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [git, "config", "user.email"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None
