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
