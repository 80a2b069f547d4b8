"""Retention: stored questions and everything about them go after FAQBOT_RETENTION_DAYS.

Pruned at server start-up and then every PRUNE_EVERY_S by each worker (deleting is idempotent,
so workers sharing a database need no coordination), and on demand by `faqbot review prune`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import anyio.to_thread

from bot.errors import DataError
from bot.review.models import PruneCounts

if TYPE_CHECKING:
    # Only the type: importing bot.serving here would import the app, which imports this.
    from bot.serving.feedback.review_store import SqlReviewStore

log = logging.getLogger("faqbot.serving")
PRUNE_EVERY_S = 3600.0


def cutoff(days: int, now: datetime | None = None) -> str:
    """Rows asked before this instant (ISO 8601 UTC, the stored form) are older than `days` days."""
    if days < 1:
        raise ValueError(f"retention must be at least 1 day, got {days}")
    moment = (now or datetime.now(UTC)) - timedelta(days=days)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def prune(store: SqlReviewStore, days: int, now: datetime | None = None) -> PruneCounts:
    return store.prune(cutoff(days, now))


async def prune_periodically(
    store: SqlReviewStore,
    days: int,
    every_s: float = PRUNE_EVERY_S,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Prune now, then every `every_s` seconds, until cancelled. A database outage is logged and
    retried at the next round: it must never take the server down."""
    while True:
        try:
            counts = await anyio.to_thread.run_sync(prune, store, days, clock())
        except DataError as exc:
            log.warning("retention: could not prune rows older than %d days (will retry): %s", days, exc)
        else:
            if counts.total:
                log.info(
                    "retention: pruned %d requests, %d ratings, %d choices, %d review decisions "
                    "older than %d days",
                    counts.requests,
                    counts.feedback,
                    counts.choices,
                    counts.review_actions,
                    days,
                )
        await asyncio.sleep(every_s)
