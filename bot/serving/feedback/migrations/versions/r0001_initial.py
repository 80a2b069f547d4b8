"""Requests, their ratings and the export view: the schema the pre-Alembic SQLite store created.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

EXPORT_VIEW = """
CREATE VIEW feedback_export AS
    SELECT f.request_id, f.rating, f.comment, f.created_at AS rated_at,
           r.kind, r.question, r.reply, r.mode, r.citations, r.suggestions, r.confidence,
           r.created_at AS asked_at
    FROM feedback f JOIN requests r USING (request_id)
"""


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("request_id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("citations", sa.Text, nullable=False),  # JSON array of FAQ numbers
        sa.Column("suggestions", sa.Text, nullable=False),  # JSON array of FAQ numbers
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("request_id", sa.Text, sa.ForeignKey("requests.request_id"), primary_key=True),
        sa.Column("rating", sa.Text, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.CheckConstraint("rating IN ('up', 'down')", name="feedback_rating"),
    )
    op.execute(EXPORT_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW feedback_export")
    op.drop_table("feedback")
    op.drop_table("requests")
