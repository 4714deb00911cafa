"""The hash-chained audit trail.

Each entry's digest is SHA-256 over the previous entry's digest and the entry's canonical
JSON (partner, time in UTC, actor, subject, kind, states, detail), so editing, deleting or
reordering a row breaks every link after it. Appends take the chain's tail under a lock
(PostgreSQL: a transaction-level advisory lock; SQLite: the write lock, taken before the
tail is read), so two writers never fork the chain. Run entries also carry the digest of the
run's stored JSON document, so an edited run is caught too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from charter.domain.issues import IssueEvent
from charter.engines.store.tables import EventRow, MetricPointRow, MonitorRunRow, RunRow

GENESIS = "0" * 64
_ADVISORY_KEY = 0x63686172746572  # "charter"


@dataclass(frozen=True)
class Entry:
    partner: str
    at: datetime
    actor: str
    subject: str
    kind: str
    from_state: str | None = None
    to_state: str | None = None
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None
    """Sequence number of the first entry whose link does not hold."""
    reason: str | None
    head: str
    """The digest of the last entry (a team can note it to pin the chain)."""

    @property
    def intact(self) -> bool:
        return self.reason is None


def _utc(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(previous: str, entry: Entry) -> str:
    body = json.dumps(
        {
            "partner": entry.partner,
            "at": _utc(entry.at),
            "actor": entry.actor,
            "subject": entry.subject,
            "kind": entry.kind,
            "from": entry.from_state,
            "to": entry.to_state,
            "detail": entry.detail or {},
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(f"{previous}\x1f{body}".encode()).hexdigest()


def document_digest(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def monitoring_digest(run: MonitorRunRow, points: list[MetricPointRow]) -> str:
    """The digest of a stored monitoring run and its metric points (in their order), kept in
    the run's ``monitored`` entry so an edited or removed point breaks the chain."""
    return document_digest(
        {
            "run": [
                run.system,
                run.as_of.isoformat(),
                run.status,
                run.score,
                run.findings,
                run.breaches,
            ],
            "points": [
                [p.metric, p.value, p.limit, p.bound, p.breached, p.check, p.watched]
                for p in sorted(points, key=lambda p: p.seq)
            ],
        }
    )


def append(session: Session, entries: list[Entry]) -> None:
    """Append ``entries`` to the chain inside the caller's transaction."""
    if not entries:
        return
    _lock(session)
    previous = session.scalar(select(EventRow.digest).order_by(EventRow.seq.desc()).limit(1))
    previous = previous or GENESIS
    for entry in entries:
        digest = entry_digest(previous, entry)
        session.add(
            EventRow(
                partner=entry.partner,
                at=entry.at,
                actor=entry.actor,
                subject=entry.subject,
                kind=entry.kind,
                from_state=entry.from_state,
                to_state=entry.to_state,
                detail=entry.detail or {},
                previous=previous,
                digest=digest,
            )
        )
        previous = digest
    session.flush()


def _lock(session: Session) -> None:
    """Serialise appenders (the one place with dialect-specific SQL for the chain)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
    elif dialect == "sqlite":
        # A write statement takes SQLite's write lock now, before the tail is read.
        session.execute(text("UPDATE events SET seq = seq WHERE 0 = 1"))


def issue_entry(partner: str, event: IssueEvent) -> Entry:
    return Entry(
        partner=partner,
        at=event.at,
        actor=event.actor,
        subject=f"issue:{event.issue_id}",
        kind=event.kind,
        from_state=str(event.from_state) if event.from_state else None,
        to_state=str(event.to_state) if event.to_state else None,
        detail=dict(event.detail),
    )


def verify_chain(engine: Engine, pinned: str | None = None) -> ChainReport:
    """Walk the chain from the first entry; the first link that does not hold is reported.
    ``pinned``: a head digest noted earlier (``charter log verify`` prints it, evidence
    packs record it) that must still be in the chain, so a trail cut back to before it (or
    rebuilt) is caught too."""
    previous, count = GENESIS, 0
    with Session(engine) as session:
        runs = {row.id: row.document for row in session.scalars(select(RunRow))}
        monitored = {row.run_id: row for row in session.scalars(select(MonitorRunRow))}
        points: dict[str, list[MetricPointRow]] = {}
        for point in session.scalars(select(MetricPointRow)):
            points.setdefault(point.run_id, []).append(point)
        for row in session.scalars(select(EventRow).order_by(EventRow.seq)).yield_per(1000):
            count += 1
            if row.previous != previous:
                return ChainReport(
                    count, row.seq, "it does not follow the entry before it (one was removed, "
                    "inserted or reordered)", previous,
                )  # fmt: skip
            entry = Entry(row.partner, row.at, row.actor, row.subject, row.kind,
                          row.from_state, row.to_state, dict(row.detail))  # fmt: skip
            if entry_digest(previous, entry) != row.digest:
                return ChainReport(
                    count, row.seq, "its content does not match its digest (it was edited)",
                    previous,
                )  # fmt: skip
            if row.kind == "stored" and row.subject.startswith("run:"):
                document = runs.get(row.subject.removeprefix("run:"))
                if document is None or document_digest(document) != row.detail.get("document"):
                    return ChainReport(
                        count, row.seq, f"the stored run {row.subject} was changed or removed",
                        previous,
                    )  # fmt: skip
            if row.kind == "monitored" and row.subject.startswith("run:"):
                run_id = row.subject.removeprefix("run:")
                run = monitored.get(run_id)
                digest = monitoring_digest(run, points.get(run_id, [])) if run else None
                if digest != row.detail.get("points"):
                    return ChainReport(
                        count, row.seq, f"the monitoring run {row.subject} or its metric "
                        "points were changed or removed", previous,
                    )  # fmt: skip
            if pinned is not None and row.digest == pinned:
                pinned = None
            previous = row.digest
    if pinned is not None:
        return ChainReport(
            count, None, f"the pinned entry {pinned[:16]}... is not in the trail: it was "
            "truncated or rewritten after that entry", previous,
        )  # fmt: skip
    return ChainReport(count, None, None, previous)


@dataclass
class SqlEventLog:
    """The audit trail as its own adapter: append entries, verify the chain."""

    engine: Engine

    def close(self) -> None:
        self.engine.dispose()

    def append(self, entry: Entry) -> None:
        with Session(self.engine) as session, session.begin():
            append(session, [entry])

    def verify(self, pinned: str | None = None) -> ChainReport:
        return verify_chain(self.engine, pinned)
