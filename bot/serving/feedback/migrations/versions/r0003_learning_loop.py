"""What the learning loop reads: how each request ranked, which entry a user picked, review decisions.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.serving.feedback.migrations.versions.r0001_initial import EXPORT_VIEW

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: rows written before this revision have none of these.
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("language", sa.Text))
        batch.add_column(sa.Column("build_id", sa.Text))
        batch.add_column(sa.Column("top_entries", sa.Text))  # JSON [[no, score], ...], best first
        batch.add_column(sa.Column("margin", sa.Float))  # score of the first hit minus the second
    # Retention pruning and the per-day figures select by age; the review queue by outcome.
    op.create_index("requests_created_at", "requests", ["created_at"])
    op.create_index("requests_mode", "requests", ["mode"])
    op.create_table(
        "choices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Text, nullable=False),
        sa.Column("chosen_no", sa.Integer, nullable=False),
        sa.Column("offered", sa.Text, nullable=False),  # JSON array of the FAQ numbers shown
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("choices_request_id", "choices", ["request_id"])
    op.create_table(
        "review_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("entry_no", sa.Integer),  # the entry a question was accepted for
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.CheckConstraint("action IN ('accept', 'gap', 'dismiss')", name="review_action_kind"),
    )
    op.create_index("review_actions_request_id", "review_actions", ["request_id"])


def downgrade() -> None:
    op.drop_index("review_actions_request_id", table_name="review_actions")
    op.drop_table("review_actions")
    op.drop_index("choices_request_id", table_name="choices")
    op.drop_table("choices")
    op.drop_index("requests_mode", table_name="requests")
    op.drop_index("requests_created_at", table_name="requests")
    # SQLite drops a column by copying the table, which a view over it does not survive.
    op.execute("DROP VIEW feedback_export")
    with op.batch_alter_table("requests") as batch:
        for column in ("margin", "top_entries", "build_id", "language"):
            batch.drop_column(column)
    op.execute(EXPORT_VIEW)
