"""Alembic environment: migrate on the connection `bot.serving.feedback.migrate` hands over.

That caller holds the lock (pg_advisory_xact_lock, or SQLite's BEGIN EXCLUSIVE) and the transaction
around the whole upgrade, so this file only runs the revisions on that connection.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "faqbot migrations run programmatically: call bot.serving.feedback.migrate.upgrade(engine) "
        "(the server does it at start-up)"
    )

context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
