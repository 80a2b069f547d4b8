"""`stream: true` for /v1/chat/completions: StreamEvents as OpenAI chunks, ending with [DONE]."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

from bot.answering.types import CitationsEvent, DeltaEvent, DoneEvent, StreamEvent
from bot.errors import BotError
from bot.models import Reply
from bot.serving.errors import status_of
from bot.serving.openai_compat import chunk, faqbot_extra, reply_text
from bot.serving.sse import OPENAI_DONE, sse_event

log = logging.getLogger("faqbot.serving")


def openai_sse(
    first: StreamEvent | None,
    rest: Iterator[StreamEvent],
    request_id: str,
    model: str,
    on_done: Callable[[Reply], None],
) -> Iterator[str]:
    created = int(time.time())
    streamed: list[str] = []
    try:
        event = first
        while event is not None:
            if isinstance(event, CitationsEvent):
                yield sse_event(chunk(request_id, model, created, {"role": "assistant", "content": ""}))
            elif isinstance(event, DeltaEvent):
                streamed.append(event.text)
                yield sse_event(chunk(request_id, model, created, {"content": event.text}))
            elif isinstance(event, DoneEvent):
                on_done(event.reply)
                tail = _tail("".join(streamed), event)
                if tail:
                    yield sse_event(chunk(request_id, model, created, {"content": tail}))
                extra = faqbot_extra(event.reply, request_id)
                yield sse_event(chunk(request_id, model, created, {}, "stop", extra))
            event = next(rest, None)
    except BotError as exc:
        _, type_ = status_of(exc)
        log.error("stream %s failed: %s", request_id, exc)
        # The openai client raises APIError on a chunk carrying "error".
        yield sse_event({"error": {"message": str(exc), "type": type_}})
    except Exception:
        log.exception("stream %s crashed", request_id)
        yield sse_event({"error": {"message": "internal error", "type": "internal_error"}})
    yield OPENAI_DONE


def _tail(streamed: str, done: DoneEvent) -> str:
    """What to send after the deltas so the client ends up with the final reply.

    Chunks cannot be taken back: when the guard replaced the streamed text, say so and send the
    replacement in full.
    """
    final = reply_text(done.reply)
    if done.replaced:
        note = (
            "(The text above could not be verified against the FAQ; the FAQ says:)"
            if done.reply.language == "en"
            else "（上記の回答はFAQで確認できなかったため、FAQの記載に差し替えます）"
        )
        return f"\n\n{note}\n\n{final}"
    # Abstentions add their related entries after the streamed apology.
    return final[len(streamed) :] if final.startswith(streamed) else ""
