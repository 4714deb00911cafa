"""Monitoring runs, their metric time series, and the webhook delivery log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_runs",
        sa.Column(
            "run_id",
            sa.String(32),
            sa.ForeignKey("runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("partner", sa.String(80), nullable=False),
        sa.Column("system", sa.String(80), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("breaches", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_monitor_runs_partner_system_as_of", "monitor_runs", ["partner", "system", "as_of"]
    )
    op.create_table(
        "metric_points",
        sa.Column(
            "run_id",
            sa.String(32),
            sa.ForeignKey("monitor_runs.run_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("partner", sa.String(80), nullable=False),
        sa.Column("system", sa.String(80), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("metric", sa.String(200), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("limit", sa.Float),
        sa.Column("bound", sa.String(10), nullable=False),
        sa.Column("breached", sa.Boolean, nullable=False),
        sa.Column("check", sa.String(120), nullable=False),
        sa.Column("watched", sa.Boolean, nullable=False),
    )
    op.create_index(
        "ix_metric_points_series", "metric_points", ["partner", "system", "metric", "as_of"]
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partner", sa.String(80), nullable=False),
        sa.Column("webhook", sa.String(80), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("run_id", sa.String(32)),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered", sa.Boolean, nullable=False),
        sa.Column("attempts", sa.JSON, nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
    )
    op.create_index("ix_webhook_deliveries_partner_at", "webhook_deliveries", ["partner", "at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_partner_at", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_metric_points_series", table_name="metric_points")
    op.drop_table("metric_points")
    op.drop_index("ix_monitor_runs_partner_system_as_of", table_name="monitor_runs")
    op.drop_table("monitor_runs")
