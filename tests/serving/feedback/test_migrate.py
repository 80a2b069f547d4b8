"""Alembic at start-up: fresh databases reach head, old SQLite files are adopted, workers may race."""

from __future__ import annotations

import multiprocessing
import sqlite3
import traceback
from collections.abc import Callable
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from bot.errors import DataError
from bot.serving.feedback import SqlFeedbackStore
from bot.serving.feedback.database import make_engine
from bot.serving.feedback.migrate import current_revision, downgrade, head_revision, upgrade

# The exact DDL of the store before Alembic (bot/serving/feedback/sqlite_store.py, 2026-04).
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    request_id  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    question    TEXT NOT NULL,
    reply       TEXT NOT NULL,
    mode        TEXT NOT NULL,
    citations   TEXT NOT NULL,   -- JSON array of FAQ numbers
    suggestions TEXT NOT NULL,   -- JSON array of FAQ numbers
    confidence  REAL NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    request_id  TEXT PRIMARY KEY REFERENCES requests(request_id),
    rating      TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment     TEXT,
    created_at  TEXT NOT NULL
);
CREATE VIEW IF NOT EXISTS feedback_export AS
    SELECT f.request_id, f.rating, f.comment, f.created_at AS rated_at,
           r.kind, r.question, r.reply, r.mode, r.citations, r.suggestions, r.confidence,
           r.created_at AS asked_at
    FROM feedback f JOIN requests r USING (request_id);
"""
WORKERS = 4


def objects(engine: Engine) -> set[str]:
    inspector = inspect(engine)
    return set(inspector.get_table_names()) | set(inspector.get_view_names())


def versions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]


def test_head_is_the_learning_loop_revision() -> None:
    assert head_revision() == "0003"


def test_fresh_database_reaches_head(db_url: str, engines: Callable[[Engine], Engine]) -> None:
    engine = engines(make_engine(db_url))
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert versions(engine) == [head_revision()]
    assert {"requests", "feedback", "feedback_export", "rate_limits", "alembic_version"} <= objects(engine)


def test_migrations_go_down_and_up_again(db_url: str, engines: Callable[[Engine], Engine]) -> None:
    engine = engines(make_engine(db_url))
    upgrade(engine)
    downgrade(engine, "0001")
    assert "rate_limits" not in objects(engine) and current_revision(engine) == "0001"
    downgrade(engine, "base")
    assert objects(engine) <= {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def old_style_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(OLD_SCHEMA)
    with conn:
        conn.execute(
            "INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("old1", "chat", "SLAは？", "… [No.46]", "extractive", "[46]", "[]", 0.75, "2026-03-01T00:00Z"),
        )
        conn.execute(
            "INSERT INTO feedback VALUES (?, ?, ?, ?)", ("old1", "down", "古い", "2026-03-01T00:01Z")
        )
    conn.close()


def test_old_style_sqlite_file_is_adopted_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    old_style_file(path)
    store = SqlFeedbackStore(f"sqlite:///{path}")
    store.init()
    assert versions(store.engine) == [head_revision()]  # stamped 0001, then upgraded to head
    assert "rate_limits" in objects(store.engine)
    (row,) = store.feedback_rows()
    assert (row.request_id, row.rating, row.comment, row.citations, row.confidence) == (
        "old1",
        "down",
        "古い",
        (46,),
        0.75,
    )
    store.add_feedback("old1", "up", None, "2026-03-02T00:00:00Z")  # the old tables take new writes
    assert [(r.rating, r.comment) for r in store.feedback_rows()] == [("up", "古い")]
    store.init()  # and the next start-up is a no-op
    assert versions(store.engine) == [head_revision()]
    store.engine.dispose()


def test_a_foreign_half_schema_is_refused_not_stamped(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE requests (request_id TEXT PRIMARY KEY, note TEXT)")
    conn.close()
    engine = make_engine(f"sqlite:///{path}")
    with pytest.raises(DataError, match="feedback, feedback_export"):
        upgrade(engine)
    assert "alembic_version" not in objects(engine)
    engine.dispose()


def _start_up(url: str, barrier: Barrier, errors: Any) -> None:
    """One worker's start-up: build the store, wait for the others, then init at the same moment."""
    store = SqlFeedbackStore(url)
    barrier.wait(timeout=120)
    try:
        store.init()
    except BaseException:
        errors.put(traceback.format_exc())
        raise
    finally:
        store.engine.dispose()


@pytest.mark.slow
def test_concurrent_start_up_migrates_once(db_url: str, engines: Callable[[Engine], Engine]) -> None:
    ctx = multiprocessing.get_context("spawn")  # what uvicorn --workers uses
    barrier = ctx.Barrier(WORKERS)
    errors = ctx.Queue()
    procs = [ctx.Process(target=_start_up, args=(db_url, barrier, errors)) for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=180)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == [] and [p.exitcode for p in procs] == [0] * WORKERS, "\n".join(failures)
    engine = engines(make_engine(db_url))
    assert versions(engine) == [head_revision()]
    assert {"requests", "feedback", "feedback_export", "rate_limits"} <= objects(engine)
