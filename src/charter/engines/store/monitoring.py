"""Monitoring runs, metric time series and the webhook delivery log over SQLAlchemy
(implements the ``MonitoringStore`` and ``DeliveryLog`` ports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from charter.domain.alerts import AlertEvent, Attempt, Delivery
from charter.domain.audit import AuditReport
from charter.domain.monitoring import Bound, MetricPoint, MetricQuery, MonitorRun
from charter.engines.store.event_log import Entry, append, monitoring_digest
from charter.engines.store.runs import add_run
from charter.engines.store.tables import DeliveryRow, MetricPointRow, MonitorRunRow


@dataclass
class SqlMonitoringStore:
    engine: Engine

    def close(self) -> None:
        self.engine.dispose()

    def save_monitoring(
        self,
        report: AuditReport,
        scope: str,
        document: dict[str, Any],
        run: MonitorRun,
        points: list[MetricPoint],
    ) -> None:
        with Session(self.engine) as session, session.begin():
            add_run(session, report, scope, document)
            row = MonitorRunRow(
                run_id=run.run_id,
                partner=run.partner,
                system=run.system,
                as_of=run.as_of,
                started_at=run.started_at,
                status=run.status,
                score=run.score,
                findings=run.findings,
                breaches=run.breaches,
            )
            session.add(row)
            session.flush()
            rows = [
                MetricPointRow(
                    run_id=run.run_id,
                    seq=seq,
                    partner=run.partner,
                    system=p.system,
                    as_of=p.as_of,
                    metric=p.metric,
                    value=p.value,
                    limit=p.limit,
                    bound=str(p.bound),
                    breached=p.breached,
                    check=p.check,
                    watched=p.watched,
                )
                for seq, p in enumerate(points)
            ]
            session.add_all(rows)
            append(
                session,
                [
                    Entry(
                        partner=run.partner,
                        at=report.finished_at,
                        actor=report.actor or "unknown",
                        subject=f"run:{run.run_id}",
                        kind="monitored",
                        detail={
                            "system": run.system,
                            "as_of": run.as_of.isoformat(),
                            "metrics": len(points),
                            "breaches": run.breaches,
                            "points": monitoring_digest(row, rows),
                        },
                    )
                ],
            )

    def last_monitored(self, partner: str) -> dict[str, date]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(MonitorRunRow.system, func.max(MonitorRunRow.as_of))
                .where(MonitorRunRow.partner == partner)
                .group_by(MonitorRunRow.system)
            )
            return dict(rows.tuples().all())

    def monitor_runs(self, partner: str, system: str | None, limit: int) -> list[MonitorRun]:
        statement = select(MonitorRunRow).where(MonitorRunRow.partner == partner)
        if system:
            statement = statement.where(MonitorRunRow.system == system)
        statement = statement.order_by(
            MonitorRunRow.as_of.desc(), MonitorRunRow.started_at.desc()
        ).limit(limit)
        with Session(self.engine) as session:
            return [
                MonitorRun(
                    run_id=r.run_id,
                    partner=r.partner,
                    system=r.system,
                    as_of=r.as_of,
                    started_at=r.started_at,
                    status=r.status,
                    score=r.score,
                    findings=r.findings,
                    breaches=r.breaches,
                )
                for r in session.scalars(statement)
            ]

    def metric_points(self, query: MetricQuery) -> list[MetricPoint]:
        row = MetricPointRow
        statement = select(row).where(row.partner == query.partner)
        if query.system:
            statement = statement.where(row.system == query.system)
        if query.metric:
            statement = statement.where(row.metric == query.metric)
        if query.since:
            statement = statement.where(row.as_of >= query.since)
        if query.until:
            statement = statement.where(row.as_of <= query.until)
        if query.watched_only:
            statement = statement.where(row.watched.is_(True))
        statement = statement.order_by(row.as_of.desc(), row.run_id.desc(), row.seq).limit(
            query.limit
        )
        with Session(self.engine) as session:
            points = [
                MetricPoint(
                    run_id=r.run_id,
                    system=r.system,
                    as_of=r.as_of,
                    metric=r.metric,
                    value=r.value,
                    limit=r.limit,
                    bound=Bound(r.bound),
                    breached=r.breached,
                    check=r.check,
                    watched=r.watched,
                )
                for r in session.scalars(statement)
            ]
        points.reverse()
        return points


@dataclass
class SqlDeliveryLog:
    engine: Engine

    def close(self) -> None:
        self.engine.dispose()

    def record(self, delivery: Delivery) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(
                DeliveryRow(
                    id=delivery.id,
                    partner=delivery.partner,
                    webhook=delivery.webhook,
                    url=delivery.url,
                    event=str(delivery.event),
                    run_id=delivery.run_id,
                    at=delivery.at,
                    delivered=delivery.delivered,
                    attempts=[
                        {"status": a.status, "error": a.error, "seconds": a.seconds}
                        for a in delivery.attempts
                    ],
                    body_sha256=delivery.body_sha256,
                )
            )

    def deliveries(self, partner: str, limit: int) -> list[Delivery]:
        statement = (
            select(DeliveryRow)
            .where(DeliveryRow.partner == partner)
            .order_by(DeliveryRow.at.desc(), DeliveryRow.id)
            .limit(limit)
        )
        with Session(self.engine) as session:
            return [
                Delivery(
                    id=r.id,
                    partner=r.partner,
                    webhook=r.webhook,
                    url=r.url,
                    event=AlertEvent(r.event),
                    run_id=r.run_id,
                    at=r.at,
                    delivered=r.delivered,
                    attempts=tuple(
                        Attempt(a["status"], a["error"], a["seconds"]) for a in r.attempts
                    ),
                    body_sha256=r.body_sha256,
                )
                for r in session.scalars(statement)
            ]
