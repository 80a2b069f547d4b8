"""Per-client request counters shared by every worker (fixed one-minute windows).

Revision ID: 0002
Revises: 0001
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
        "rate_limits",
        # HMAC-SHA256 of the client address (hex): the address itself is never stored.
        sa.Column("client", sa.Text, primary_key=True),
        sa.Column("window_start", sa.BigInteger, nullable=False),  # Unix seconds
        sa.Column("hits", sa.Integer, nullable=False),
    )
    # Pruning deletes by age; without the index it would scan every client's row.
    op.create_index("rate_limits_window_start", "rate_limits", ["window_start"])


def downgrade() -> None:
    op.drop_index("rate_limits_window_start", table_name="rate_limits")
    op.drop_table("rate_limits")
