"""Compliance issues and the hash-chained audit trail (events).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issues",
        sa.Column("id", sa.String(20), primary_key=True),
        sa.Column("partner", sa.String(80), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("pack", sa.String(80), nullable=False),
        sa.Column("requirement", sa.String(40), nullable=False),
        sa.Column("check", sa.String(120), nullable=False),
        sa.Column("system", sa.String(80)),
        sa.Column("subject", sa.String(400), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("severity_rank", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("first_run", sa.String(32), nullable=False),
        sa.Column("last_run", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(80)),
        sa.Column("root_cause", sa.Text),
        sa.Column("troubleshooting", sa.JSON, nullable=False),
        sa.Column("acceptance", sa.JSON),
        sa.Column("reported", sa.JSON),
        sa.Column("reopened", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index(
        "ux_issues_partner_fingerprint", "issues", ["partner", "fingerprint"], unique=True
    )
    op.create_index("ix_issues_partner_state_due", "issues", ["partner", "state", "due_on"])
    op.create_index(
        "ix_issues_partner_severity", "issues", ["partner", "severity_rank", "due_on", "id"]
    )
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("partner", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_state", sa.String(20)),
        sa.Column("to_state", sa.String(20)),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("previous", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.create_index("ix_events_partner_subject", "events", ["partner", "subject", "seq"])


def downgrade() -> None:
    op.drop_index("ix_events_partner_subject", table_name="events")
    op.drop_table("events")
    op.drop_index("ix_issues_partner_severity", table_name="issues")
    op.drop_index("ix_issues_partner_state_due", table_name="issues")
    op.drop_index("ux_issues_partner_fingerprint", table_name="issues")
    op.drop_table("issues")
