"""Which database a URL names, and the engine faqbot builds for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from bot.errors import DataError
from bot.serving.feedback.database import database_url, describe, make_engine, safe_url


def test_unset_url_means_the_sqlite_feedback_file(tmp_path: Path) -> None:
    db = tmp_path / "フィード バック" / "a?b#c.sqlite3"  # quoted in the URL, the same file after
    url = database_url(None, db)
    assert url.startswith("sqlite:////") and make_url(url).database == str(db)
    assert database_url("", db) == url  # FAQBOT_DATABASE_URL= (empty) counts as unset


@pytest.mark.parametrize(
    "given",
    [
        "postgres://u:p@h/db",
        "postgresql://u:p@h/db",
        "postgresql+psycopg2://u:p@h/db",
        "postgresql+psycopg://u:p@h/db",
    ],
)
def test_postgres_urls_are_routed_to_psycopg_3(given: str) -> None:
    assert database_url(given, Path("unused")) == "postgresql+psycopg://u:p@h/db"


def test_passwords_stay_out_of_messages() -> None:
    url = "postgresql+psycopg://faqbot:s3cret@db.example:5432/faqbot"
    assert "s3cret" not in safe_url(url) and "db.example" in safe_url(url)
    assert "s3cret" not in describe(make_engine(url))


def test_engines_pool_connections_for_the_threadpool(tmp_path: Path) -> None:
    sqlite = make_engine(database_url(None, tmp_path / "f.sqlite3"))
    postgres = make_engine("postgresql+psycopg://u@127.0.0.1:1/db")
    assert isinstance(sqlite.pool, QueuePool) and isinstance(postgres.pool, QueuePool)
    assert not (tmp_path / "f.sqlite3").exists()  # building an engine opens nothing


def test_unsupported_or_malformed_urls_are_data_errors() -> None:
    with pytest.raises(DataError, match="unsupported database"):
        make_engine("mysql://u@h/db")
    with pytest.raises(DataError, match="not a database URL"):
        make_engine("not a url")
