"""Checks on a chat or draft request that need settings or the loaded data, not just types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine import Engine
from bot.errors import InvalidQuestionError
from bot.models import Turn
from bot.serving.errors import InvalidRequestError
from bot.serving.schemas import TurnIn
from bot.settings import Settings

# An inquiry e-mail asks several things at once; it may be this many questions long.
DRAFT_LENGTH_FACTOR = 4


@dataclass(frozen=True)
class ChatInput:
    question: str
    history: tuple[Turn, ...]
    category: str | None


def clean_text(text: str, limit: int, what: str = "question") -> str:
    stripped = text.strip()
    if not stripped:
        raise InvalidQuestionError(f"the {what} is empty: send some text")
    # The limit counts the text as sent, surrounding blanks included: that is what the schema's
    # maxLength says, so a client validating against /openapi.json is never refused here.
    if len(text) > limit:
        raise InvalidQuestionError(
            f"the {what} is {len(text)} characters long; the limit is {limit} (FAQBOT_MAX_QUESTION_CHARS)"
        )
    return stripped


def check_history_lengths(history: Sequence[TurnIn | Turn], limit: int, field: str) -> None:
    """Earlier user turns are searched again for follow-ups, so they obey the question's limit."""
    for i, turn in enumerate(history):
        if turn.role == "user" and len(turn.content) > limit:
            raise InvalidRequestError(f"{field}.{i}.content: a user turn is limited to {limit} characters")


def chat_input(
    question: str, history: list[TurnIn], category: str | None, settings: Settings, engine: Engine
) -> ChatInput:
    cleaned = clean_text(question, settings.max_question_chars)
    check_history_lengths(history, settings.max_question_chars, "history")
    if category is not None and category not in engine.categories:
        raise InvalidRequestError(f"unknown category {category!r}; one of: {', '.join(engine.categories)}")
    turns = tuple(Turn(role=t.role, content=t.content) for t in history)
    return ChatInput(question=cleaned, history=turns, category=category)


def clean_inquiry(inquiry: str, settings: Settings) -> str:
    return clean_text(inquiry, settings.max_question_chars * DRAFT_LENGTH_FACTOR, what="inquiry")
