"""The hash-chained audit trail on SQLite and (when configured) PostgreSQL: intact after real
writes, broken by any direct edit, deletion or changed run, never forked by two writers."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from charter.domain.issues import Issue, IssueEvent, IssueState
from charter.domain.status import Severity
from charter.engines.store.database import open_database
from charter.engines.store.event_log import verify_chain
from charter.engines.store.issues import SqlIssueStore
from support import minimal_workspace_files, run_cli, write_workspace

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _issue(n: int) -> Issue:
    return Issue(
        id=f"ISS-{n:010d}", fingerprint=f"{n:032d}", partner="acme", pack="partner-ai-usage",
        requirement="PRIV-03", check="privacy.pii_in_text", system="reco",
        subject="system:reco", severity=Severity.HIGH, title="t", state=IssueState.OPEN,
        opened_on=date(2026, 11, 1), due_on=date(2026, 12, 1), first_run="r", last_run="r",
    )  # fmt: skip


def _write_events(url: str, first: int, count: int) -> None:
    store = SqlIssueStore(open_database(url))
    try:
        for n in range(first, first + count):
            issue = _issue(n)
            event = IssueEvent(issue.id, AT, "audit", "opened", None, IssueState.OPEN, {"n": n})
            store.save(issue, [event], new=True)
    finally:
        store.close()


def test_direct_edits_break_the_chain(database_url: str) -> None:
    _write_events(database_url, 0, 5)
    engine = open_database(database_url)
    try:
        report = verify_chain(engine)
        assert (report.intact, report.entries) == (True, 5)
        with engine.begin() as connection:
            connection.execute(text("UPDATE events SET actor = 'mallory' WHERE seq = 3"))
        broken = verify_chain(engine)
        assert (broken.broken_at, broken.reason) == (
            3,
            "its content does not match its digest (it was edited)",
        )
        with engine.begin() as connection:
            connection.execute(text("UPDATE events SET actor = 'audit' WHERE seq = 3"))
            connection.execute(text("DELETE FROM events WHERE seq = 2"))
        gap = verify_chain(engine)
        assert gap.broken_at == 3
        assert "does not follow the entry before it" in str(gap.reason)
    finally:
        engine.dispose()


def test_two_writers_never_fork_the_chain(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("concurrent writers: PostgreSQL")
    _write_events(database_url, 0, 1)  # schema and first entry in place
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_write_events, args=(database_url, start, 25))
        for start in (100, 200)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    engine = open_database(database_url)
    try:
        report = verify_chain(engine)
        assert (report.intact, report.entries) == (True, 51)
    finally:
        engine.dispose()


def test_cli_verifies_runs_and_issues_and_catches_an_edited_run(
    tmp_path: Path, database_url: str
) -> None:
    root = write_workspace(tmp_path / "ws", minimal_workspace_files())
    env = {"CHARTER_DATABASE_URL": database_url, "CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    for day in ("2026-11-01", "2026-11-02"):
        audited = run_cli("audit", str(root), "--as-of", day, "--format", "json", env=env)
        assert audited.returncode in (0, 1), audited.stderr
    ok = run_cli("log", "verify", "-w", str(root), env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("audit trail intact: 2 entries, head ")
    engine = open_database(database_url)
    try:
        with engine.begin() as connection:
            run_id = connection.scalar(text("SELECT id FROM runs ORDER BY started_at LIMIT 1"))
            connection.execute(
                text("UPDATE runs SET document = :doc WHERE id = :id"),
                {"doc": '{"forged": true}', "id": run_id},
            )
    finally:
        engine.dispose()
    broken = run_cli("log", "verify", "-w", str(root), env=env)
    assert broken.returncode == 1
    assert broken.stderr.strip() == (
        f"audit trail broken at entry 1: the stored run run:{run_id} was changed or removed"
    )


def test_a_pinned_head_catches_a_truncated_trail(database_url: str) -> None:
    _write_events(database_url, 0, 4)
    engine = open_database(database_url)
    try:
        head = verify_chain(engine).head
        _write_events(database_url, 10, 2)
        assert verify_chain(engine, head).intact  # the pinned entry is still there
        with engine.begin() as connection:  # cut the trail back to its first three entries
            connection.execute(text("DELETE FROM events WHERE seq > 3"))
        assert verify_chain(engine).intact  # what is left links up: only a pin tells
        cut = verify_chain(engine, head)
        assert not cut.intact
        assert cut.broken_at is None
        assert "is not in the trail: it was truncated or rewritten" in str(cut.reason)
    finally:
        engine.dispose()


def test_an_edited_metric_point_breaks_the_chain(tmp_path: Path, database_url: str) -> None:
    root = write_workspace(tmp_path / "ws", minimal_workspace_files())
    env = {"CHARTER_DATABASE_URL": database_url, "CHARTER_CONFIG_DIR": str(tmp_path / "cfg")}
    done = run_cli("monitor", "run", str(root), "--as-of", "2026-11-24", env=env)
    assert done.returncode == 0, done.stderr
    ok = run_cli("log", "verify", "-w", str(root), "-f", "json", env=env)
    assert ok.returncode == 0, ok.stderr
    head = json.loads(ok.stdout)["head"]
    engine = open_database(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE metric_points SET value = 0.01 WHERE metric = 'psi:score'")
            )
    finally:
        engine.dispose()
    broken = run_cli("log", "verify", "-w", str(root), "--head", head, env=env)
    assert broken.returncode == 1
    assert "metric points were changed or removed" in broken.stderr
    refused = run_cli("log", "verify", "-w", str(root), "--head", "abc", env=env)
    assert refused.returncode == 2
    assert "is not a SHA-256 digest" in refused.stderr
