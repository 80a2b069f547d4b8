"""POST /api/feedback: 👍/👎 (and an optional comment) on an answered request."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from bot.serving.access_log import annotate
from bot.serving.deps import API_GUARDS, StoreDep
from bot.serving.errors import error_responses
from bot.serving.recording import now_iso
from bot.serving.schemas import FeedbackAck, FeedbackRequest

router = APIRouter(
    prefix="/api",
    tags=["feedback"],
    dependencies=API_GUARDS,
    # 503: the feedback database cannot be opened.
    responses=error_responses(400, 401, 404, 413, 422, 429, 503),
)


@router.post("/feedback", response_model=FeedbackAck, status_code=status.HTTP_201_CREATED)
def feedback(body: FeedbackRequest, request: Request, store: StoreDep) -> FeedbackAck:
    """Rate a reply by its request_id. Rating again replaces the earlier rating."""
    comment = body.comment.strip() if body.comment and body.comment.strip() else None
    store.add_feedback(body.request_id, body.rating, comment, now_iso())
    annotate(request, rated=body.request_id, rating=body.rating)
    return FeedbackAck(request_id=body.request_id, rating=body.rating)
