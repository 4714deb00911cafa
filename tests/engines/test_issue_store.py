"""The issue register on SQLite and (when configured) PostgreSQL: round trip, paging,
optimistic locking between two writers (and two processes), the upgrade from the schema the
core landed with."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from charter.domain.errors import InputError
from charter.domain.issues import Issue, IssueEvent, IssueState
from charter.domain.ports import IssueConflictError, IssueQuery
from charter.domain.status import Severity
from charter.engines.store.database import HEAD_REVISION, MIGRATIONS, open_database
from charter.engines.store.issues import SqlIssueStore

CORE_REVISION = "0001"
"""The schema the core landed with (runs, results, findings)."""
AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _issue(n: int, severity: str = "high", state: IssueState = IssueState.OPEN) -> Issue:
    fingerprint = f"{n:032x}"
    return Issue(
        id=f"ISS-{fingerprint[-10:]}",
        fingerprint=fingerprint,
        partner="acme",
        pack="partner-ai-usage",
        requirement="PRIV-03",
        check="privacy.pii_in_text",
        system="reco" if n % 2 else "chat",
        subject=f"system:reco#{n}",
        severity=Severity(severity),
        title=f"finding {n}",
        state=state,
        opened_on=date(2026, 11, 1),
        due_on=date(2026, 11, 1 + n % 28),
        first_run="r1",
        last_run="r1",
    )


@pytest.fixture
def store(database_url: str) -> Iterator[SqlIssueStore]:
    issues = SqlIssueStore(open_database(database_url))
    yield issues
    issues.close()


def test_round_trip_history_and_prefix_lookup(store: SqlIssueStore) -> None:
    issue = _issue(7)
    saved = store.save(issue, [IssueEvent(issue.id, AT, "audit", "opened", None, issue.state)],
                       new=True)  # fmt: skip
    assert saved.version == 1
    assert store.get("acme", issue.id[:8]) == saved
    moved = replace(saved, state=IssueState.TRIAGED, troubleshooting={"fix": "masked"})
    event = IssueEvent(issue.id, AT, "lee", "moved", IssueState.OPEN, IssueState.TRIAGED)
    assert store.save(moved, [event]).version == 2
    assert store.get("acme", issue.id).troubleshooting == {"fix": "masked"}
    assert [(e.kind, e.to_state) for e in store.history("acme", issue.id)] == [
        ("opened", IssueState.OPEN),
        ("moved", IssueState.TRIAGED),
    ]
    with pytest.raises(InputError, match="unknown issue id 'ISS-nope'"):
        store.get("acme", "ISS-nope")
    with pytest.raises(InputError):
        store.get("other-partner", issue.id)  # partners never see each other's issues


def test_query_filters_sorts_and_pages(store: SqlIssueStore) -> None:
    for n in range(1, 31):
        severity = "critical" if n % 10 == 0 else "high"
        store.save(_issue(n, severity), [], new=True)
    page, total = store.query(IssueQuery(partner="acme", limit=5))
    assert total == 30
    assert [i.severity for i in page[:3]] == ["critical"] * 3
    second, _ = store.query(IssueQuery(partner="acme", limit=5, offset=5))
    assert not {i.id for i in page} & {i.id for i in second}
    reco, total = store.query(IssueQuery(partner="acme", system="reco", limit=100))
    assert total == 15
    assert {i.system for i in reco} == {"reco"}
    due, total = store.query(IssueQuery(partner="acme", due_before=date(2026, 11, 5), limit=100))
    assert {i.due_on.day for i in due} == {1, 2, 3, 4}


def test_a_stale_write_is_a_conflict_and_loses_nothing(database_url: str) -> None:
    first, second = (SqlIssueStore(open_database(database_url)) for _ in range(2))
    try:
        first.save(_issue(3), [], new=True)
        mine, theirs = first.get("acme", _issue(3).id), second.get("acme", _issue(3).id)
        first.save(replace(mine, owner="lee"), [IssueEvent(mine.id, AT, "lee", "assigned")])
        with pytest.raises(IssueConflictError, match="changed by someone else"):
            second.save(replace(theirs, owner="ola"), [IssueEvent(mine.id, AT, "ola", "assigned")])
        assert first.get("acme", mine.id).owner == "lee"
        assert [e.actor for e in first.history("acme", mine.id)] == ["lee"]
        with pytest.raises(IssueConflictError):
            second.save(_issue(3), [], new=True)  # opening it twice is a conflict too
    finally:
        first.close()
        second.close()


def _move_in_process(url: str, owner: str, barrier: object, results: object) -> None:
    store = SqlIssueStore(open_database(url))
    issue = store.get("acme", _issue(5).id)
    barrier.wait()  # type: ignore[attr-defined]
    try:
        store.save(replace(issue, owner=owner), [IssueEvent(issue.id, AT, owner, "assigned")])
        results.put(("won", owner))  # type: ignore[attr-defined]
    except IssueConflictError as exc:
        results.put(("conflict", str(exc)))  # type: ignore[attr-defined]
    finally:
        store.close()


def test_two_processes_moving_one_issue(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("concurrent writers: PostgreSQL (SQLite serialises whole-database writes)")
    store = SqlIssueStore(open_database(database_url))
    store.save(_issue(5), [], new=True)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_move_in_process, args=(database_url, who, barrier, results))
        for who in ("lee", "ola")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    outcomes = sorted(results.get(timeout=10) for _ in workers)
    assert [kind for kind, _ in outcomes] == ["conflict", "won"]
    winner = outcomes[1][1]
    assert store.get("acme", _issue(5).id).owner == winner
    assert [e.actor for e in store.history("acme", _issue(5).id)] == [winner]
    store.close()


def test_upgrade_from_the_core_schema_keeps_the_runs(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, CORE_REVISION)
        connection.execute(
            text(
                "INSERT INTO runs (id, partner, scope, started_at, finished_at, as_of, "
                "guidelines, status, findings_count, document) VALUES ('r0', 'acme', 's', "
                "'2026-11-01 09:00:00', '2026-11-01 09:01:00', '2026-11-01', 'p@1', "
                "'compliant', 0, '{}')"
            )
        )
    engine.dispose()
    upgraded = open_database(database_url)
    try:
        with upgraded.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM runs")) == 1
            assert (
                connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD_REVISION
            )
        SqlIssueStore(upgraded).save(_issue(1), [], new=True)
    finally:
        upgraded.dispose()
