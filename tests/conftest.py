"""Shared fixtures: real workspaces on disk, real databases (SQLite always, PostgreSQL when
``CHARTER_TEST_DATABASE_URL`` is set, and then an unreachable server fails the run)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support import minimal_workspace_files, write_workspace

PG_ENV = "CHARTER_TEST_DATABASE_URL"


@pytest.fixture(autouse=True, scope="session")
def _isolated_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keys made by audits (the workspace HMAC key) and compiled patterns go to session
    folders, never to the user's config or cache directory; ``config_dir`` isolates a single
    test further."""
    saved = {name: os.environ.get(name) for name in ("CHARTER_CONFIG_DIR", "CHARTER_CACHE_DIR")}
    os.environ["CHARTER_CONFIG_DIR"] = str(tmp_path_factory.mktemp("charter-config"))
    os.environ["CHARTER_CACHE_DIR"] = str(tmp_path_factory.mktemp("charter-cache"))
    yield
    for name, previous in saved.items():
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    """A valid workspace written to disk."""
    return write_workspace(tmp_path / "ws", minimal_workspace_files())


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[[Callable[[dict[str, Any]], None]], Path]:
    """Write the minimal workspace after ``edit`` changed its files dict."""
    counter = iter(range(1000))

    def make(edit: Callable[[dict[str, Any]], None]) -> Path:
        files = minimal_workspace_files()
        edit(files)
        return write_workspace(tmp_path / f"ws{next(counter)}", files)

    return make


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated user config directory for keys."""
    directory = tmp_path / "config"
    monkeypatch.setenv("CHARTER_CONFIG_DIR", str(directory))
    return directory


def _postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: SQLite always; PostgreSQL (own schema) when configured."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'charter.db'}"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip(f"{PG_ENV} not set")
    from sqlalchemy import create_engine, text

    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base)
    with admin.begin() as connection:  # an unreachable server fails here, loudly
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
