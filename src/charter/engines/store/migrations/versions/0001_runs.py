"""Runs, results and findings of audits.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("partner", sa.String(80), nullable=False),
        sa.Column("scope", sa.String(400), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("actor", sa.String(80)),
        sa.Column("guidelines", sa.String(400), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("findings_count", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
    )
    op.create_index("ix_runs_partner_scope_started", "runs", ["partner", "scope", "started_at"])
    op.create_table(
        "results",
        sa.Column(
            "run_id", sa.String(32), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("pack", sa.String(80), nullable=False),
        sa.Column("requirement", sa.String(40), nullable=False),
        sa.Column("check", sa.String(120), nullable=False),
        sa.Column("system", sa.String(80)),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("duration_ms", sa.Float, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
    )
    op.create_table(
        "findings",
        sa.Column(
            "run_id", sa.String(32), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("pack", sa.String(80), nullable=False),
        sa.Column("requirement", sa.String(40), nullable=False),
        sa.Column("check", sa.String(120), nullable=False),
        sa.Column("principle", sa.String(10), nullable=False),
        sa.Column("system", sa.String(80)),
        sa.Column("subject", sa.String(400), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("remediation", sa.Text, nullable=False),
        sa.Column("file", sa.String(400)),
        sa.Column("line", sa.Integer),
        sa.Column("column", sa.Integer),
        sa.Column("evidence", sa.JSON, nullable=False),
    )
    op.create_index("ix_findings_fingerprint", "findings", ["fingerprint"])


def downgrade() -> None:
    op.drop_index("ix_findings_fingerprint", "findings")
    op.drop_table("findings")
    op.drop_table("results")
    op.drop_index("ix_runs_partner_scope_started", "runs")
    op.drop_table("runs")
