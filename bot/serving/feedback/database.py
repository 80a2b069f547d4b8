"""Which database holds the shared state, and how to connect to it.

SQLite (one file, the embedded default) and PostgreSQL (several workers or hosts) behind one
SQLAlchemy engine, so the store and the rate limiter are written once for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    NotSupportedError,
    ProgrammingError,
)
from sqlalchemy.exc import DataError as SADataError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.errors import DatabaseUnavailableError, DataError

# A pool per process: FastAPI runs sync routes on up to 40 threads, but a request holds a connection
# only for one short statement. Kept small so several workers stay far below max_connections.
PG_POOL_SIZE = 5
PG_MAX_OVERFLOW = 5
CONNECT_TIMEOUT_S = 5
# SQLite's busy wait: how long a write waits for another connection's lock before giving up.
SQLITE_BUSY_S = 10.0


def database_url(url: str | None, feedback_db: Path) -> str:
    """FAQBOT_DATABASE_URL when set, else the SQLite file FAQBOT_FEEDBACK_DB."""
    if not url:
        return URL.create("sqlite", database=str(feedback_db)).render_as_string()
    # Only psycopg 3 is installed; accept the URLs libpq, Heroku and psycopg2 users already have.
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine with a thread-safe pool; no connection is opened until first use."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DataError(
            f"FAQBOT_DATABASE_URL is not a database URL ({exc}); "
            "write e.g. postgresql+psycopg://user:pass@host:5432/faqbot"
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        # File databases get a QueuePool with check_same_thread off: safe across the threadpool.
        # The timeout is SQLite's busy wait: writers queue up instead of failing at once.
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        return create_engine(
            parsed,
            pool_size=PG_POOL_SIZE,
            max_overflow=PG_MAX_OVERFLOW,
            pool_pre_ping=True,  # a restarted server or a proxy's idle cut costs a reconnect, not an error
            pool_recycle=1800,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
        )
    raise DataError(
        f"unsupported database {safe_url(url)}: use sqlite:///PATH or postgresql+psycopg://… "
        "in FAQBOT_DATABASE_URL"
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; avoids an fsync per request
    cursor.close()


def describe(engine: Engine) -> str:
    """The SQLite file, or the URL without its password."""
    if is_sqlite(engine) and engine.url.database:
        return engine.url.database
    return engine.url.render_as_string(hide_password=True)


def upsert_into(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT, the one with ON CONFLICT DO UPDATE (the same API on both)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def setting_name(engine: Engine) -> str:
    """The setting a user changes to fix a database problem."""
    return "FAQBOT_FEEDBACK_DB" if is_sqlite(engine) else "FAQBOT_DATABASE_URL"


# A driver error of these kinds is a bug in our SQL or data (a constraint, a missing column, a
# bad value), not an outage: it must surface, not be reported as "database unavailable".
_BUGS = (IntegrityError, ProgrammingError, SADataError, NotSupportedError)


@contextmanager
def unavailable_as_data_error(engine: Engine, doing: str) -> Iterator[None]:
    """Turn 'cannot reach / open / write the database' into DatabaseUnavailableError (a DataError:
    HTTP 503, a one-line CLI message).

    Outages take many shapes: refused or dropped connections, a server shutting down, a locked,
    read-only, full or damaged SQLite file, a pool with no connection free. Constraint violations
    and SQL mistakes are bugs, not outages: they pass through unchanged.
    """
    try:
        yield
    except (DBAPIError, DisconnectionError, PoolTimeoutError, OSError) as exc:
        if isinstance(exc, _BUGS):
            raise
        raise DatabaseUnavailableError(
            f"cannot {doing} in the database {describe(engine)}: "
            f"{first_line(exc)}. Check {setting_name(engine)}."
        ) from exc


def first_line(exc: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's SQL echo and background link."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__
