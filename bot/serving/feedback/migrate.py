"""Bring the database to the newest schema revision; safe when several workers start at once.

Every worker runs `upgrade` at start-up. The whole upgrade runs in one transaction that first takes
a database-wide lock, so the first worker migrates and the others wait, then find the schema at head
and do nothing: `pg_advisory_xact_lock` on PostgreSQL, `BEGIN EXCLUSIVE` on SQLite. Both locks end
with the transaction, so a worker killed mid-migration cannot leave the lock held.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from bot.errors import DataError
from bot.serving.feedback.database import describe, first_line, is_sqlite, setting_name

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The schema the pre-Alembic store made with CREATE TABLE IF NOT EXISTS; such files get stamped with it.
LEGACY_REVISION = "0001"
LEGACY_OBJECTS = frozenset({"requests", "feedback", "feedback_export"})
# Any bigint unique to faqbot: advisory locks are shared by every client of the database.
PG_LOCK_KEY = int.from_bytes(b"faqbotdb", "big") & (2**63 - 1)
WAL_RETRY_S = 10.0


def _config(conn: Connection | None = None) -> Config:
    cfg = Config()  # no alembic.ini: everything it would say is here
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise DataError(f"no schema revisions in {MIGRATIONS_DIR / 'versions'}: reinstall faqbot")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty (or pre-Alembic) database."""
    path = engine.url.database
    if is_sqlite(engine) and path and path != ":memory:" and not Path(path).exists():
        return None  # connecting would create the file
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or update the schema to `revision`. DataError when the database is unusable."""
    _migrate(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Undo revisions down to `revision` ("base": drop everything). For operators and tests."""
    _migrate(engine, lambda cfg: command.downgrade(cfg, revision))


def _migrate(engine: Engine, run: Callable[[Config], None]) -> None:
    if is_sqlite(engine):
        _prepare_sqlite(engine)
    try:
        with engine.begin() as conn:
            _lock(conn)
            _adopt_legacy_schema(conn)
            run(_config(conn))
    except (SQLAlchemyError, OSError, CommandError) as exc:
        # Connection refused, no CREATE privilege, a read-only file, a lock held too long: all fixed
        # outside faqbot, so say where and how rather than show a driver traceback.
        raise DataError(
            f"cannot create or update the schema of the database {describe(engine)}: "
            f"{first_line(exc)}. Check {setting_name(engine)} (and that the database is reachable "
            "and writable)."
        ) from exc


def _prepare_sqlite(engine: Engine) -> None:
    path = engine.url.database
    try:
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        _use_wal(engine)
    except (SQLAlchemyError, OSError) as exc:
        raise DataError(
            f"cannot open the feedback database {path}: {first_line(exc)}. "
            "Set FAQBOT_FEEDBACK_DB to a writable path."
        ) from exc


def _use_wal(engine: Engine) -> None:
    """WAL lets readers (an export) run while the server writes.

    It is a property of the file, set once, outside any transaction (so not under the migration
    lock). Workers converting a new file at the same moment can deadlock on SQLite's locks, and
    SQLite then answers "locked" at once instead of waiting: so retry briefly.
    """
    deadline = time.monotonic() + WAL_RETRY_S
    while True:
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode = WAL")
            return
        except OperationalError as exc:
            if "locked" not in first_line(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # pysqlite opens no transaction before DDL; take the write lock explicitly so the check
        # for an existing schema and the migration are one atomic step. Waiters use the busy timeout.
        conn.exec_driver_sql("BEGIN EXCLUSIVE")


def _adopt_legacy_schema(conn: Connection) -> None:
    """A database made by the old CREATE TABLE IF NOT EXISTS code: record it as revision 0001."""
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    if "alembic_version" in tables or not tables & LEGACY_OBJECTS:
        return
    found = tables | set(inspector.get_view_names())
    missing = sorted(LEGACY_OBJECTS - found)
    if missing:
        raise DataError(
            f"the database {describe(conn.engine)} has part of faqbot's tables but not "
            f"{', '.join(missing)}, and no alembic_version table: it is not a schema faqbot made. "
            f"Restore it from a backup or point {setting_name(conn.engine)} at a new database."
        )
    command.stamp(_config(conn), LEGACY_REVISION)
