"""The feedback store interface and its records.

`SqlFeedbackStore` implements it on SQLite (one worker) and PostgreSQL (several workers or hosts).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

Rating = Literal["up", "down"]
RequestKind = Literal["chat", "draft", "openai"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RequestRecord(_Frozen):
    """One answered request: what was asked and what we replied, so a later rating has context."""

    request_id: str
    kind: RequestKind
    question: str
    reply: str
    mode: str
    citations: tuple[int, ...] = ()
    suggestions: tuple[int, ...] = ()
    confidence: float = 0.0
    created_at: str  # ISO 8601, UTC
    language: str | None = None
    build_id: str | None = None  # the index build that answered
    top_entries: tuple[tuple[int, float], ...] = ()  # (FAQ number, score), best first
    margin: float | None = None  # first hit's score minus the second's


class FeedbackRow(_Frozen):
    """A rating joined with the request it rates: one line of `faqbot feedback export`."""

    request_id: str
    rating: Rating
    comment: str | None
    rated_at: str
    kind: str
    question: str
    reply: str
    mode: str
    citations: tuple[int, ...]
    suggestions: tuple[int, ...]
    confidence: float
    asked_at: str


class FeedbackStore(Protocol):
    def init(self) -> None:
        """Create or migrate the schema; safe when several workers call it at once. Called at startup."""

    def record_request(self, record: RequestRecord) -> None: ...

    def add_feedback(self, request_id: str, rating: Rating, comment: str | None, rated_at: str) -> None:
        """Store (or replace) the rating of a request; NotFoundError when the request is unknown."""

    def feedback_rows(self) -> Iterator[FeedbackRow]: ...
