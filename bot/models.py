"""Typed values passed between the stages: entries, hits, retrieval results, citations, replies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ReplyMode = Literal["extractive", "llm", "abstain", "fallback"]
Language = Literal["ja", "en", "zh", "ko"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Link(_Frozen):
    text: str
    url: str


class FaqEntry(_Frozen):
    """One FAQ record as published, plus enrichment written by us to help retrieval."""

    no: int
    category: str
    question: str
    answer: str
    answer_html: str
    links: tuple[Link, ...] = ()
    published: str = ""
    alt_questions: tuple[str, ...] = ()
    en_questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


class Turn(_Frozen):
    role: Literal["user", "assistant"]
    content: str


class Hit(_Frozen):
    """One ranked entry. `found_by` names the signals that had it in their own top list."""

    no: int
    score: float
    rank: int
    dense: float | None = None
    lexical: float | None = None
    found_by: tuple[str, ...] = ()


class Retrieval(_Frozen):
    """What retrieval decided for one question."""

    query: str
    search_text: str
    language: Language
    hits: tuple[Hit, ...]
    answerable: bool
    confidence: float = Field(ge=0.0, le=1.0)
    reason: str = ""
    # One retrieval per question when the message asks several things (empty otherwise).
    parts: tuple[Retrieval, ...] = ()

    @property
    def numbers(self) -> list[int]:
        return [h.no for h in self.hits]


class Citation(_Frozen):
    no: int
    question: str
    link: str
    score: float


class Reply(_Frozen):
    """A reply as the user sees it, with how it was produced."""

    text: str
    mode: ReplyMode
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[Citation, ...] = ()
    confidence: float = 0.0
    language: Language = "ja"
    fallback_reason: str | None = None
    search_text: str = ""
    # The retrieval's best hits behind this reply, kept with the request record for the review queue.
    hits: tuple[Hit, ...] = ()
    # The top two entries when they are nearly tied: the widget asks which one the user meant.
    alternatives: tuple[Citation, ...] = ()
