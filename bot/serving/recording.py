"""Keep a record of each answered request (for feedback) and put its outcome on the access log."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request

from bot.answering.types import Draft
from bot.models import Reply
from bot.serving.access_log import annotate
from bot.serving.feedback import FeedbackStore, RequestRecord
from bot.serving.feedback.base import RequestKind


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def record_reply(
    store: FeedbackStore, request: Request, request_id: str, kind: RequestKind, question: str, reply: Reply
) -> None:
    citations = tuple(c.no for c in reply.citations)
    suggestions = tuple(c.no for c in reply.suggestions)
    annotate(request, mode=reply.mode, citations=list(citations), question=question)
    store.record_request(
        RequestRecord(
            request_id=request_id,
            kind=kind,
            question=question,
            reply=reply.text,
            mode=reply.mode,
            citations=citations,
            suggestions=suggestions,
            confidence=reply.confidence,
            created_at=now_iso(),
        )
    )


def record_draft(store: FeedbackStore, request: Request, request_id: str, inquiry: str, draft: Draft) -> None:
    citations = tuple(c.no for c in draft.citations)
    annotate(request, mode=draft.mode, citations=list(citations), question=inquiry)
    store.record_request(
        RequestRecord(
            request_id=request_id,
            kind="draft",
            question=inquiry,
            reply=draft.text,
            mode=draft.mode,
            citations=citations,
            created_at=now_iso(),
        )
    )
