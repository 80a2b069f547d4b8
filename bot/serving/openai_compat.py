"""The OpenAI chat-completions format, so any OpenAI-compatible client can use faqbot as a model.

Requests ignore fields we do not use (temperature, max_tokens, ...) instead of rejecting them:
clients send them by default, and refusing would break them. Citations travel twice: in the
text (`[No.17]`) for plain clients, and in an extra `faqbot` object for clients that look for it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from bot.errors import InvalidQuestionError
from bot.models import Reply, Turn
from bot.serving.errors import InvalidRequestError
from bot.serving.schemas import NON_BLANK, Text

MODEL_ID = "faqbot"
MAX_MESSAGES = 64


class _Lenient(BaseModel):
    # Unknown fields are ignored (clients send many), but the types of the ones we read are not coerced:
    # `"stream": "yes"` is an error, not True.
    model_config = ConfigDict(extra="ignore", strict=True)


class ContentPart(_Lenient):
    """A part of a system/assistant/tool message: text parts are read, others (images) ignored."""

    type: Text
    text: Text | None = None


class TextPart(_Lenient):
    type: Literal["text"]
    text: Text = Field(json_schema_extra={"pattern": NON_BLANK})


class UserMessage(_Lenient):
    """A user message is a question (the last one) or history: it needs text, in one piece.

    One text part only: the question's length limit applies to the whole text, which JSON Schema can
    state for one string but not for a sum over parts. faqbot reads text only, so an image part is
    refused rather than silently ignored (as OpenAI's text-only models do).
    """

    role: Literal["user"]
    # Not blank and at most FAQBOT_MAX_QUESTION_CHARS: checked by split_messages/check_user_lengths.
    content: (
        Annotated[Text, Field(json_schema_extra={"pattern": NON_BLANK})]
        | Annotated[list[TextPart], Field(min_length=1, max_length=1)]
    )

    @property
    def text(self) -> str:
        return self.content if isinstance(self.content, str) else self.content[0].text


class OtherMessage(_Lenient):
    """system/developer/tool messages are ignored; assistant messages are history."""

    role: Literal["system", "developer", "assistant", "tool"]
    content: Text | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


Message = Annotated[UserMessage | OtherMessage, Field(discriminator="role")]
# JSON Schema cannot say "the last item is a user message"; "some item is" is what split_messages needs.
_HAS_USER_MESSAGE: JsonDict = {"contains": {"properties": {"role": {"const": "user"}}, "required": ["role"]}}


class CompletionRequest(_Lenient):
    model: Text = MODEL_ID
    messages: list[Message] = Field(
        min_length=1,
        max_length=MAX_MESSAGES,
        description="the last user message is the question; earlier user/assistant messages are the history",
        json_schema_extra=_HAS_USER_MESSAGE,
    )
    stream: bool = False


def split_messages(messages: Sequence[UserMessage | OtherMessage]) -> tuple[str, tuple[Turn, ...]]:
    """The question (the last user message) and the user/assistant turns before it.

    Messages after the question (a system reminder, a tool result) are ignored: requiring the last
    message to be the user's is a rule the OpenAPI schema could not state, so clients could not know it.
    """
    users = [i for i, m in enumerate(messages) if m.role == "user"]
    if not users:
        raise InvalidRequestError(
            "messages: the last message with role 'user' is the question, and there is none"
        )
    for i in users:
        if not messages[i].text.strip():
            raise InvalidQuestionError(f"messages.{i}.content: the user message is empty: send some text")
    last = users[-1]
    history = tuple(
        Turn(role="user" if m.role == "user" else "assistant", content=m.text)
        for m in messages[:last]
        if m.role in ("user", "assistant") and m.text
    )
    return messages[last].text, history


def check_user_lengths(messages: Sequence[UserMessage | OtherMessage], limit: int) -> None:
    """Earlier user turns are searched again for follow-ups: every user message obeys the question's limit."""
    for i, m in enumerate(messages):
        if m.role == "user" and len(m.text) > limit:
            raise InvalidRequestError(
                f"messages.{i}.content: a user message is limited to {limit} characters"
            )


def reply_text(reply: Reply) -> str:
    """The reply as plain text; an abstention lists the nearest entries as pointers, not answers."""
    if not reply.suggestions:
        return reply.text
    heading = "Related FAQ entries:" if reply.language == "en" else "関連するFAQ:"
    lines = [f"・No.{s.no} {s.question} {s.link}" for s in reply.suggestions]
    return "\n".join([reply.text, "", heading, *lines])


def faqbot_extra(reply: Reply, request_id: str) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "mode": reply.mode,
        "fallback_reason": reply.fallback_reason,
        "confidence": reply.confidence,
        "citations": [c.model_dump() for c in reply.citations],
        "suggestions": [c.model_dump() for c in reply.suggestions],
    }


def completion_id(request_id: str) -> str:
    return f"chatcmpl-{request_id}"


def completion(reply: Reply, request_id: str, model: str) -> dict[str, Any]:
    return {
        "id": completion_id(request_id),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply_text(reply)},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "faqbot": faqbot_extra(reply, request_id),
    }


def chunk(
    request_id: str,
    model: str,
    created: int,
    delta: dict[str, str],
    finish_reason: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": completion_id(request_id),
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
    }
    if extra is not None:
        body["faqbot"] = extra
    return body


def models_list() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "faqbot"}],
    }
