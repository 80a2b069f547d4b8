"""Keep a record of each answered request (for feedback and the review queue) and log its outcome.

A store that is down must not cost the user the reply: the write failing is logged and the reply
goes out all the same (a rating of it then answers 404/503, which says why).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from starlette.requests import Request

from bot.answering.types import Draft
from bot.errors import DataError
from bot.models import Reply
from bot.serving.access_log import annotate
from bot.serving.feedback import FeedbackStore, RequestRecord
from bot.serving.feedback.base import RequestKind

log = logging.getLogger("faqbot.serving")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def record_reply(
    store: FeedbackStore,
    request: Request,
    request_id: str,
    kind: RequestKind,
    question: str,
    reply: Reply,
    build_id: str | None = None,
) -> None:
    citations = tuple(c.no for c in reply.citations)
    suggestions = tuple(c.no for c in reply.suggestions)
    annotate(request, mode=reply.mode, citations=list(citations), question=question)
    if reply.fallback_reason:
        annotate(request, fallback_reason=reply.fallback_reason)
    top = tuple((h.no, round(h.score, 6)) for h in reply.hits)
    _store(
        store,
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
            language=reply.language,
            build_id=build_id,
            top_entries=top,
            margin=top[0][1] - top[1][1] if len(top) > 1 else None,
        ),
    )


def record_draft(
    store: FeedbackStore,
    request: Request,
    request_id: str,
    inquiry: str,
    draft: Draft,
    build_id: str | None = None,
) -> None:
    citations = tuple(c.no for c in draft.citations)
    annotate(request, mode=draft.mode, citations=list(citations), question=inquiry)
    _store(
        store,
        RequestRecord(
            request_id=request_id,
            kind="draft",
            question=inquiry,
            reply=draft.text,
            mode=draft.mode,
            citations=citations,
            created_at=now_iso(),
            build_id=build_id,
        ),
    )


def _store(store: FeedbackStore, record: RequestRecord) -> None:
    try:
        store.record_request(record)
    except DataError as exc:
        log.warning("request %s answered but not recorded: %s", record.request_id, exc)
