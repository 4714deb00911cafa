"""Run storage on SQLite and (when configured) PostgreSQL: migrations, atomic saves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import Session

from charter.checks.registry import load_registry
from charter.composition import deliverables
from charter.domain.errors import InputError
from charter.engines.scan.scanner import IbisScanner
from charter.engines.store.database import open_database
from charter.engines.store.runs import SqlRunStore
from charter.engines.store.tables import FindingRow, ResultRow, RunRow
from charter.guidelines.library import BuiltinPackLibrary
from charter.reports.audit_json import audit_document
from charter.services.audit import AuditRequest, record_audit, run_audit
from charter.services.validation import resolve_packs
from charter.workspace.loader import load_workspace


def _audit(root: Path, store: SqlRunStore, as_of: date = date(2026, 11, 24)) -> dict[str, object]:
    workspace = load_workspace(root)
    packs = resolve_packs(workspace, BuiltinPackLibrary())
    report = run_audit(
        AuditRequest(
            workspace,
            packs,
            load_registry(),
            as_of,
            scanner=IbisScanner(),
            deliverables=deliverables(),
        ),
        history=store,
    )
    document = audit_document(report)
    record_audit(store, report, document)
    return document


@pytest.fixture
def store(database_url: str) -> Iterator[SqlRunStore]:
    runs = SqlRunStore(open_database(database_url))
    yield runs
    runs.close()


def _counts(store: SqlRunStore) -> tuple[int, int, int]:
    with Session(store.engine) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table))
            for table in (RunRow, ResultRow, FindingRow)
        )


def test_runs_round_trip_and_compare(store: SqlRunStore, make_workspace) -> None:  # type: ignore[no-untyped-def]
    def break_card(files: dict[str, object]) -> None:
        files["systems/reco.yaml"]["reviews"][0]["reviewer"] = "owner"  # type: ignore[index]

    broken = make_workspace(break_card)
    first = _audit(broken, store)
    assert first["summary"]["comparison"]["previous_run_id"] is None  # type: ignore[index]
    failing = [f for f in first["findings"] if f["status"] == "fail"]  # type: ignore[union-attr]
    assert {f["check"] for f in failing} == {"accountability.review_signoff"}

    second = _audit(broken, store)
    comparison = second["summary"]["comparison"]  # type: ignore[index]
    assert comparison["previous_run_id"] == first["run_id"]
    assert (comparison["new"], comparison["fixed"], comparison["still_failing"]) == (0, 0, 1)

    fixed_ws = make_workspace(lambda files: None)
    third = _audit(fixed_ws, store)
    comparison = third["summary"]["comparison"]  # type: ignore[index]
    assert (comparison["new"], comparison["fixed"], comparison["still_failing"]) == (0, 1, 0)
    assert comparison["fixed_fingerprints"] == [failing[0]["fingerprint"]]

    runs = store.list_runs()
    assert [r.run_id for r in runs] == [third["run_id"], second["run_id"], first["run_id"]]
    assert store.read_run(str(second["run_id"])) == second
    assert store.read_run(str(second["run_id"])[:24])["run_id"] == second["run_id"]
    with pytest.raises(InputError, match="unknown run id"):
        store.read_run("NOPE")


def test_failure_half_way_leaves_no_run(store: SqlRunStore, workspace_dir: Path) -> None:
    _audit(workspace_dir, store)
    before = _counts(store)
    inserted = {"results": 0}

    def explode(*_args: object) -> None:
        # the run row is already in the transaction, and two results, when the third
        # result is written
        inserted["results"] += 1
        if inserted["results"] == 3:
            raise RuntimeError("disk full while writing results")

    event.listen(ResultRow, "before_insert", explode)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            _audit(workspace_dir, store)
    finally:
        event.remove(ResultRow, "before_insert", explode)
    assert _counts(store) == before
    assert len(store.list_runs()) == 1


def test_migrations_are_idempotent(database_url: str) -> None:
    open_database(database_url).dispose()
    engine = open_database(database_url)  # second upgrade to head is a no-op
    try:
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(RunRow)) == 0
    finally:
        engine.dispose()


def test_unreachable_database_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"cannot open database") as info:
        open_database("postgresql+psycopg://charter:s3cret@127.0.0.1:1/none?connect_timeout=2")
    assert "s3cret" not in str(info.value)


def test_passwords_never_reach_messages() -> None:
    for url in (
        "postgresql+psycopg://charter:s3cret@127.0.0.1:1/none?connect_timeout=2",
        "postgresql+psycopg://charter@127.0.0.1:1/none?password=s3cret&connect_timeout=2",
    ):
        with pytest.raises(InputError, match="cannot open database") as info:
            open_database(url)
        assert "s3cret" not in str(info.value)


def test_a_database_from_a_newer_charter_is_an_input_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'charter.db'}"
    open_database(url).dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffffffff'"))
    engine.dispose()
    with pytest.raises(InputError, match="created by a newer version"):
        open_database(url)


def test_every_query_value_is_masked() -> None:
    with pytest.raises(InputError) as info:
        open_database("postgresql+psycopg://u@127.0.0.1:1/none?token=TOPSECRET&connect_timeout=2")
    assert "TOPSECRET" not in str(info.value)


def test_the_head_revision_constant_is_the_migrations_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from charter.engines.store.database import HEAD_REVISION, MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION
