"""The tables as SQLAlchemy Core objects, for building queries.

The schema itself is created and changed only by the Alembic revisions in `migrations/versions/`;
these definitions describe the head revision and must be kept in step with it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Integer, MetaData, Table, Text

metadata = MetaData()

requests = Table(
    "requests",
    metadata,
    Column("request_id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("reply", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("citations", Text, nullable=False),  # JSON array of FAQ numbers
    Column("suggestions", Text, nullable=False),  # JSON array of FAQ numbers
    Column("confidence", Float, nullable=False),
    Column("created_at", Text, nullable=False),  # ISO 8601 UTC: sorts as text
    # Revision 0003; NULL on older rows.
    Column("language", Text),
    Column("build_id", Text),
    Column("top_entries", Text),  # JSON [[no, score], ...], best first
    Column("margin", Float),  # score of the first hit minus the second
)

feedback = Table(
    "feedback",
    metadata,
    Column("request_id", Text, primary_key=True),
    Column("rating", Text, nullable=False),
    Column("comment", Text),
    Column("created_at", Text, nullable=False),
)

# A view: read-only here, created by revision 0001.
feedback_export = Table(
    "feedback_export",
    metadata,
    Column("request_id", Text),
    Column("rating", Text),
    Column("comment", Text),
    Column("rated_at", Text),
    Column("kind", Text),
    Column("question", Text),
    Column("reply", Text),
    Column("mode", Text),
    Column("citations", Text),
    Column("suggestions", Text),
    Column("confidence", Float),
    Column("asked_at", Text),
)

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("client", Text, primary_key=True),  # HMAC-SHA256 of the client address, hex; never the address
    Column("window_start", BigInteger, nullable=False),  # Unix seconds at the start of the window
    Column("hits", Integer, nullable=False),
)

# The entry a user picked when the widget asked "which did you mean?" (revision 0003).
choices = Table(
    "choices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Text, nullable=False),
    Column("chosen_no", Integer, nullable=False),
    Column("offered", Text, nullable=False),  # JSON array of the FAQ numbers shown
    Column("created_at", Text, nullable=False),
)

# One reviewer decision per request (a cluster's decision is written for each of its questions).
review_actions = Table(
    "review_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", Text, nullable=False),
    Column("action", Text, nullable=False),  # accept | gap | dismiss
    Column("entry_no", Integer),
    Column("actor", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)
