"""Opening the database: SQLite under ``.charter/`` by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from charter.domain.errors import InputError

MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_REVISION = "0003"
"""The newest migration; a database already there opens without loading Alembic (a test
keeps this equal to the migrations' head)."""
DATABASE_URL_ENV = "CHARTER_DATABASE_URL"


def database_url(workspace: Path) -> str:
    """``CHARTER_DATABASE_URL`` if set, else ``sqlite:///<workspace>/.charter/charter.db``."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    if not (workspace / "charter.yaml").is_file():
        raise InputError.at(
            str(workspace), 0, 0, "not a workspace (no charter.yaml): no run database here"
        )
    state = workspace / ".charter"
    state.mkdir(exist_ok=True)
    gitignore = state / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n")
    return f"sqlite:///{state / 'charter.db'}"


def open_database(url: str) -> Engine:
    """Create the engine and bring the schema to the latest Alembic revision."""
    try:
        engine = create_engine(url, future=True)
    except (ArgumentError, ImportError) as exc:
        raise InputError.at(_redact(url), 0, 0, f"cannot use database URL: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if _at_head(engine):
        return engine
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except CommandError as exc:
        engine.dispose()
        raise InputError.at(
            _redact(url),
            0,
            0,
            f"database schema is not one this Charter knows ({exc}); "
            "was it created by a newer version?",
        ) from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        cause = getattr(exc, "orig", None) or exc
        first_line = (str(cause).splitlines() or [""])[0]
        raise InputError.at(
            _redact(url), 0, 0, f"cannot open database: {type(cause).__name__}: {first_line}"
        ) from exc
    return engine


def _at_head(engine: Engine) -> bool:
    """Whether the schema is already at ``HEAD_REVISION`` (one cheap query)."""
    try:
        with engine.connect() as connection:
            return bool(
                connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD_REVISION
            )
    except SQLAlchemyError:
        return False  # no schema yet, or the server is unreachable: the upgrade path says


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _redact(url: str) -> str:
    """Hide any password in a database URL (user info or query) before it reaches a message."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<database url>"
    query = dict.fromkeys(parsed.query, "***")  # any parameter may carry a secret
    return parsed.set(query=query).render_as_string(hide_password=True)
