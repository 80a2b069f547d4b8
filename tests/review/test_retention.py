"""Retention: the cut-off, and the background task that prunes at start-up and then periodically."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.review.retention import cutoff, prune_periodically
from bot.serving.feedback import RequestRecord, SqlFeedbackStore, database_url
from bot.serving.feedback.review_store import SqlReviewStore

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_cutoff_is_days_before_now_in_the_stored_form() -> None:
    assert cutoff(180, NOW) == "2026-01-02T12:00:00.000+00:00"
    with pytest.raises(ValueError, match="at least 1 day"):
        cutoff(0, NOW)


def ask(store: SqlFeedbackStore, rid: str, at: str) -> None:
    store.record_request(
        RequestRecord(request_id=rid, kind="chat", question="q", reply="r", mode="abstain", created_at=at)
    )


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def server_log() -> Iterator[_Lines]:
    # The app's logging setup stops faqbot.serving from propagating: listen on it directly.
    handler = _Lines()
    logger = logging.getLogger("faqbot.serving")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_task_prunes_at_start_then_every_period(tmp_path: Path, server_log: _Lines) -> None:
    store = SqlFeedbackStore(database_url(None, tmp_path / "f.sqlite3"))
    store.init()
    review = SqlReviewStore(store.engine)
    ask(store, "old", "2025-12-01T00:00:00.000+00:00")
    ask(store, "kept", "2026-06-30T00:00:00.000+00:00")
    rounds: list[datetime] = []

    def clock() -> datetime:
        rounds.append(NOW if not rounds else datetime(2027, 1, 1, tzinfo=UTC))
        return rounds[-1]

    async def run() -> None:
        task = asyncio.create_task(prune_periodically(review, 180, every_s=0.05, clock=clock))
        await asyncio.sleep(0.02)
        assert [i.request_id for i in review.queue_items(0.03, 10)[0]] == ["kept"]  # pruned at start
        await asyncio.sleep(0.1)
        task.cancel()

    asyncio.run(run())
    assert len(rounds) >= 2
    assert review.queue_items(0.03, 10)[0] == []  # a later round, a year on, took the rest
    assert "pruned 1 requests" in server_log.text


def test_an_unreachable_database_is_logged_not_raised(tmp_path: Path, server_log: _Lines) -> None:
    # A directory where the SQLite file should be: every prune fails like an outage would.
    (tmp_path / "f.sqlite3").mkdir()
    review = SqlReviewStore(SqlFeedbackStore(database_url(None, tmp_path / "f.sqlite3")).engine)

    async def run() -> None:
        task = asyncio.create_task(prune_periodically(review, 30, every_s=0.02))
        await asyncio.sleep(0.1)
        assert not task.done()  # still retrying
        task.cancel()

    asyncio.run(run())
    assert "could not prune rows older than 30 days (will retry)" in server_log.text
