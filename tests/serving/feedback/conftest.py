"""Database fixtures: every store test runs on a SQLite file and on a real PostgreSQL server.

PostgreSQL comes from FAQBOT_TEST_DATABASE_URL (scripts/test.sh starts a private server with
scripts/postgres.sh). Unset, those cases skip, unless FAQBOT_REQUIRE_POSTGRES=1 makes them fail.
Each PostgreSQL case gets a schema of its own (search_path in the URL), so tests never share rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from bot.serving.feedback import SqlFeedbackStore, database_url

PG_ENV = "FAQBOT_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]


def postgres_server() -> str:
    """The test server's URL; skips (or fails when required) without one."""
    url = os.environ.get(PG_ENV)
    required = os.environ.get("FAQBOT_REQUIRE_POSTGRES") == "1"
    if not url:
        reason = f"{PG_ENV} is not set: start a server with `scripts/postgres.sh start DIR` (test.sh does)"
        if required:
            pytest.fail(f"{reason}; FAQBOT_REQUIRE_POSTGRES=1 forbids skipping the PostgreSQL cases")
        pytest.skip(reason)
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a new, empty schema on the test server; dropped afterwards."""
    base = postgres_server()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except OperationalError as exc:
        # Configured but down is a broken test environment, never a reason to skip.
        pytest.fail(f"the PostgreSQL test server at {PG_ENV}={base} is not reachable: {exc.orig}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return database_url(None, tmp_path / "nested" / "feedback.sqlite3")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on both backends: a SQLite file, then a PostgreSQL schema."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def engines() -> Iterator[Callable[[Engine], Engine]]:
    """Register engines to dispose after the test, so pooled connections never pile up."""
    made: list[Engine] = []

    def keep(engine: Engine) -> Engine:
        made.append(engine)
        return engine

    yield keep
    for engine in made:
        engine.dispose()


@pytest.fixture
def store(db_url: str, engines: Callable[[Engine], Engine]) -> SqlFeedbackStore:
    s = SqlFeedbackStore(db_url)
    engines(s.engine)
    s.init()
    return s
