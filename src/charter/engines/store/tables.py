"""The one SQLAlchemy model set. Changes go through an Alembic revision in ``migrations/``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(400))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[date] = mapped_column(Date)
    actor: Mapped[str | None] = mapped_column(String(80))
    guidelines: Mapped[str] = mapped_column(String(400))
    score: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    findings_count: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_runs_partner_scope_started", "partner", "scope", "started_at"),)


class ResultRow(Base):
    __tablename__ = "results"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    pack: Mapped[str] = mapped_column(String(80))
    requirement: Mapped[str] = mapped_column(String(40))
    check: Mapped[str] = mapped_column(String(120))
    system: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(30))
    duration_ms: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)


class FindingRow(Base):
    __tablename__ = "findings"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    pack: Mapped[str] = mapped_column(String(80))
    requirement: Mapped[str] = mapped_column(String(40))
    check: Mapped[str] = mapped_column(String(120))
    principle: Mapped[str] = mapped_column(String(10))
    system: Mapped[str | None] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(400))
    status: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    remediation: Mapped[str] = mapped_column(Text)
    file: Mapped[str | None] = mapped_column(String(400))
    line: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)


class IssueRow(Base):
    """A compliance issue, one per partner and finding fingerprint."""

    __tablename__ = "issues"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    partner: Mapped[str] = mapped_column(String(80), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    pack: Mapped[str] = mapped_column(String(80))
    requirement: Mapped[str] = mapped_column(String(40))
    check: Mapped[str] = mapped_column(String(120))
    system: Mapped[str | None] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(400))
    severity: Mapped[str] = mapped_column(String(10))
    severity_rank: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    first_run: Mapped[str] = mapped_column(String(32))
    last_run: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(String(80))
    root_cause: Mapped[str | None] = mapped_column(Text)
    troubleshooting: Mapped[dict[str, Any]] = mapped_column(JSON)
    acceptance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reported: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reopened: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own mapping
    __table_args__ = (
        Index("ux_issues_partner_fingerprint", "partner", "fingerprint", unique=True),
        Index("ix_issues_partner_state_due", "partner", "state", "due_on"),
        Index("ix_issues_partner_severity", "partner", "severity_rank", "due_on", "id"),
    )


class EventRow(Base):
    """The audit trail: every change to runs and issues, hash-chained (each entry holds the
    digest of the one before), so an edited, removed or reordered row breaks the chain."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(120))
    """``issue:ISS-...`` or ``run:<run id>``."""
    kind: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    previous: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_events_partner_subject", "partner", "subject", "seq"),)


class MonitorRunRow(Base):
    """One monitoring run of one system; its audit is the run of the same id."""

    __tablename__ = "monitor_runs"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    partner: Mapped[str] = mapped_column(String(80))
    system: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    findings: Mapped[int] = mapped_column(Integer)
    breaches: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_monitor_runs_partner_system_as_of", "partner", "system", "as_of"),)


class MetricPointRow(Base):
    """One measured metric of one monitoring run: the time series behind trends."""

    __tablename__ = "metric_points"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("monitor_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    partner: Mapped[str] = mapped_column(String(80))
    system: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Float)
    limit: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[str] = mapped_column(String(10))
    breached: Mapped[bool] = mapped_column(Boolean)
    check: Mapped[str] = mapped_column(String(120))
    watched: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_metric_points_series", "partner", "system", "metric", "as_of"),)


class DeliveryRow(Base):
    """One webhook delivery (an alert to one endpoint) with every attempt's outcome."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    partner: Mapped[str] = mapped_column(String(80))
    webhook: Mapped[str] = mapped_column(String(80))
    url: Mapped[str] = mapped_column(String(2000))
    event: Mapped[str] = mapped_column(String(40))
    run_id: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered: Mapped[bool] = mapped_column(Boolean)
    attempts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    body_sha256: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_webhook_deliveries_partner_at", "partner", "at"),)
