"""Request and response bodies of /api. Requests forbid unknown fields and never coerce types.

The request models state every rule the handlers enforce, so /openapi.json refuses what the server
refuses. Limits that come from settings or from the loaded FAQ (question length, categories) are
filled into the served schema by `routes.docs`; the models carry the fixed ones.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from bot.answering.types import Draft
from bot.models import Citation, FaqEntry, Link, Reply, ReplyMode
from bot.serving.feedback import Rating

MAX_HISTORY_TURNS = 20
# Assistant turns carry whole FAQ answers; user turns are checked against max_question_chars.
MAX_TURN_CHARS = 8000
MAX_COMMENT_CHARS = 2000
# "Has a character str.strip() keeps": the handlers refuse a question that strips to nothing. Spelled
# out rather than \S because ECMA, Rust and Python disagree on what \s is (U+001C-1F, U+0085, U+FEFF).
NON_BLANK = r"[^\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


def _valid_unicode(text: str) -> str:
    # JSON can escape half a surrogate pair ("\ud83d"); Python keeps it, and nothing downstream that
    # speaks UTF-8 can (Sudachi, SQLite, the response body): refused here, it was a 500 deep inside
    # retrieval (found by hypothesis).
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise ValueError(f"holds an unpaired surrogate {bad!r}: send valid Unicode text") from None
    return text


# Every string a request carries.
Text = Annotated[str, AfterValidator(_valid_unicode)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def user_turn_limit(max_chars: int) -> JsonDict:
    """JSON Schema for "a user turn obeys the question's limit" (assistant turns carry whole answers)."""
    return {
        "anyOf": [
            {"properties": {"role": {"const": "assistant"}}},
            {"properties": {"content": {"maxLength": max_chars}}},
        ]
    }


class TurnIn(_Request):
    # Enforced by chat_input.check_history_lengths with the configured limit.
    model_config = ConfigDict(json_schema_extra=user_turn_limit(MAX_TURN_CHARS))
    role: Literal["user", "assistant"]
    content: Text = Field(max_length=MAX_TURN_CHARS)


class ChatRequest(_Request):
    # Blank and length are checked by chat_input.clean_text, whose messages say what to fix.
    question: Text = Field(
        examples=["閉域網の申し込み方法を教えてください"],
        description="at most FAQBOT_MAX_QUESTION_CHARS characters, not blank",
        json_schema_extra={"pattern": NON_BLANK},
    )
    history: list[TurnIn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="earlier turns of this conversation, oldest first, for follow-up questions",
    )
    category: Text | None = Field(
        default=None, description="only entries of this category (one of the loaded FAQ's categories)"
    )


class ChatReply(BaseModel):
    request_id: str = Field(description="send it back to /api/feedback to rate this reply")
    text: str
    mode: ReplyMode
    citations: tuple[Citation, ...]
    suggestions: tuple[Citation, ...] = Field(description="nearest entries when the FAQ does not cover it")
    confidence: float
    language: str
    fallback_reason: str | None = None
    alternatives: tuple[Citation, ...] = Field(
        default=(),
        description="the top two entries when they are nearly tied (empty otherwise): ask which one was "
        "meant, and send the pick to /api/choice",
    )
    build: str | None = Field(
        default=None, description="the index build that answered (also in the X-FAQ-Build header)"
    )

    @classmethod
    def of(cls, request_id: str, reply: Reply, build: str | None = None) -> ChatReply:
        return cls(
            request_id=request_id,
            text=reply.text,
            mode=reply.mode,
            citations=reply.citations,
            suggestions=reply.suggestions,
            confidence=reply.confidence,
            language=reply.language,
            fallback_reason=reply.fallback_reason,
            alternatives=reply.alternatives,
            build=build,
        )


class DraftRequest(_Request):
    inquiry: Text = Field(
        examples=["ディスクは増やせますか。閉域網の申し込み方法は？"],
        description="at most 4 × FAQBOT_MAX_QUESTION_CHARS characters, not blank",
        json_schema_extra={"pattern": NON_BLANK},
    )


class DraftReply(Draft):
    request_id: str


class FeedbackRequest(_Request):
    request_id: Text = Field(min_length=1, max_length=64)
    rating: Rating
    comment: Text | None = Field(default=None, max_length=MAX_COMMENT_CHARS)


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
