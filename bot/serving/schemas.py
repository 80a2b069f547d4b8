"""Request and response bodies of /api. Requests forbid unknown fields and never coerce types."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.answering.types import Draft
from bot.models import Citation, FaqEntry, Link, Reply, ReplyMode
from bot.serving.feedback import Rating

MAX_HISTORY_TURNS = 20
# Assistant turns carry whole FAQ answers; user turns are checked against max_question_chars.
MAX_TURN_CHARS = 8000
MAX_COMMENT_CHARS = 2000


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TurnIn(_Request):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class ChatRequest(_Request):
    question: str = Field(examples=["閉域網の申し込み方法を教えてください"])
    history: list[TurnIn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="earlier turns of this conversation, oldest first, for follow-up questions",
    )
    category: str | None = Field(default=None, description="only entries of this category")


class ChatReply(BaseModel):
    request_id: str = Field(description="send it back to /api/feedback to rate this reply")
    text: str
    mode: ReplyMode
    citations: tuple[Citation, ...]
    suggestions: tuple[Citation, ...] = Field(description="nearest entries when the FAQ does not cover it")
    confidence: float
    language: str
    fallback_reason: str | None = None

    @classmethod
    def of(cls, request_id: str, reply: Reply) -> ChatReply:
        return cls(
            request_id=request_id,
            text=reply.text,
            mode=reply.mode,
            citations=reply.citations,
            suggestions=reply.suggestions,
            confidence=reply.confidence,
            language=reply.language,
            fallback_reason=reply.fallback_reason,
        )


class DraftRequest(_Request):
    inquiry: str = Field(examples=["ディスクは増やせますか。閉域網の申し込み方法は？"])


class DraftReply(Draft):
    request_id: str


class FeedbackRequest(_Request):
    request_id: str = Field(min_length=1, max_length=64)
    rating: Rating
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_CHARS)


class FeedbackAck(BaseModel):
    request_id: str
    rating: Rating
    stored: bool = True


class FaqSummary(BaseModel):
    no: int
    category: str
    question: str
    link: str


class FaqDetail(FaqSummary):
    answer: str = Field(description="plain text, as published")
    links: tuple[Link, ...]
    published: str

    @classmethod
    def of(cls, entry: FaqEntry, link: str) -> FaqDetail:
        return cls(
            no=entry.no,
            category=entry.category,
            question=entry.question,
            link=link,
            answer=entry.answer,
            links=entry.links,
            published=entry.published,
        )


class Health(BaseModel):
    status: Literal["ok", "loading", "error"]
    entries: int | None = None
    detail: str | None = None
