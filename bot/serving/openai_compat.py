"""The OpenAI chat-completions format, so any OpenAI-compatible client can use faqbot as a model.

Requests ignore fields we do not use (temperature, max_tokens, ...) instead of rejecting them:
clients send them by default, and refusing would break them. Citations travel twice: in the
text (`[No.17]`) for plain clients, and in an extra `faqbot` object for clients that look for it.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.models import Reply, Turn
from bot.serving.errors import InvalidRequestError

MODEL_ID = "faqbot"
MAX_MESSAGES = 64


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str = MODEL_ID
    messages: list[Message] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False


def split_messages(messages: list[Message]) -> tuple[str, tuple[Turn, ...]]:
    """The question (the last user message) and the user/assistant turns before it."""
    if messages[-1].role != "user":
        raise InvalidRequestError("messages: the last message must have role 'user' (the question)")
    history = tuple(
        Turn(role=m.role, content=m.text) for m in messages[:-1] if m.role in ("user", "assistant") and m.text
    )
    return messages[-1].text, history


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
