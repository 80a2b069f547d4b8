"""GET /api/admin/stats: the usage figures behind /desk/stats (admin key)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from bot.serving.admin import ADMIN_GUARDS
from bot.serving.deps import StoreDep
from bot.serving.errors import error_responses
from bot.serving.feedback import SqlFeedbackStore
from bot.serving.runtime import Runtime
from bot.stats import Stats, compute_stats
from bot.stats.queries import MAX_DAYS

router = APIRouter(
    prefix="/api/admin", tags=["admin"], dependencies=ADMIN_GUARDS, responses=error_responses(401, 422, 503)
)


# A plain `def`: the queries run in the threadpool, off the event loop.
@router.get("/stats", response_model=Stats)
def stats(
    request: Request,
    store: StoreDep,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="days counted, today (UTC) included")] = 30,
) -> Stats:
    """Questions per day, answered / abstained / fallback shares, ratings, top cited entries, top
    unanswered questions and the same per language — what `faqbot stats --json` prints."""
    if not isinstance(store, SqlFeedbackStore):
        raise TypeError(f"stats need the SQL store, not {type(store).__name__}")
    runtime: Runtime | None = request.app.state.runtime
    # Entry titles are a nicety: while the index loads, the figures come without them.
    titles = {no: e.question for no, e in runtime.engine.entries.items()} if runtime else {}
    return compute_stats(store.engine, days, datetime.now(UTC).date(), titles)
