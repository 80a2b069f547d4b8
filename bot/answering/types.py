"""Values the answering layer hands to the edges: stream events and support-desk drafts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.models import Citation, Reply


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CitationsEvent(_Frozen):
    """Sent first: what the reply will cite (or, when abstaining, the suggestions).

    For the LLM writer these are the entries the model was given; what the reply finally cites
    (a subset, after the guard) is in `DoneEvent.reply.citations`.
    """

    type: Literal["citations"] = "citations"
    citations: tuple[Citation, ...]
    suggestions: tuple[Citation, ...] = ()
    confidence: float = 0.0
    # The near-tied top two ("which did you mean?"); the final word is `DoneEvent.reply.alternatives`.
    alternatives: tuple[Citation, ...] = ()


class DeltaEvent(_Frozen):
    type: Literal["delta"] = "delta"
    text: str


class DoneEvent(_Frozen):
    """Sent last: the guard's verdict. `replaced` means the streamed text was discarded for `reply.text`."""

    type: Literal["done"] = "done"
    reply: Reply
    replaced: bool = False


StreamEvent = CitationsEvent | DeltaEvent | DoneEvent


DraftMode = Literal["extractive", "llm", "fallback"]


class DraftParagraph(_Frozen):
    inquiry: str  # the inquiry sentence(s) this paragraph answers
    text: str
    citations: tuple[Citation, ...] = ()
    covered: bool = True  # False: "not covered by the FAQ, we will confirm"
    mode: DraftMode = "extractive"  # who wrote it; "fallback": the LLM's paragraph failed the guard
    fallback_reason: str | None = None


class Draft(_Frozen):
    text: str
    paragraphs: tuple[DraftParagraph, ...]
    citations: tuple[Citation, ...]
    mode: DraftMode = "extractive"  # "fallback" when any paragraph fell back
