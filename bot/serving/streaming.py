"""The /api/chat/stream event sequence: the answering layer's StreamEvents as SSE.

`citations` first, `delta`s, then `done` (the guard's verdict, the final reply, the request id,
the index build).
An error after the stream has started cannot change the status code any more: it becomes an
`error` event, and the stream ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from bot.answering.types import DoneEvent, StreamEvent
from bot.errors import BotError
from bot.models import Reply
from bot.serving.errors import status_of
from bot.serving.sse import sse_event

log = logging.getLogger("faqbot.serving")


def chat_sse(
    first: StreamEvent | None,
    rest: Iterator[StreamEvent],
    request_id: str,
    on_done: Callable[[Reply], None],
    build: str | None = None,
) -> Iterator[str]:
    """Frame the events; call `on_done` with the final reply before the `done` event goes out."""
    try:
        event = first
        while event is not None:
            payload = event.model_dump(mode="json")
            if isinstance(event, DoneEvent):
                on_done(event.reply)
                payload["request_id"] = request_id
                payload["build"] = build  # the index build that answered
            yield sse_event(payload, event.type)
            event = next(rest, None)
    except BotError as exc:
        _, type_ = status_of(exc)
        log.error("stream %s failed: %s", request_id, exc)
        yield sse_event({"type": "error", "error": {"message": str(exc), "type": type_}}, "error")
    except Exception:
        log.exception("stream %s crashed", request_id)
        error = {"message": "internal error", "type": "internal_error"}
        yield sse_event({"type": "error", "error": error}, "error")
