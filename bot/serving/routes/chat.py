"""POST /api/chat and /api/chat/stream."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from bot.models import Reply
from bot.serving.chat_input import chat_input
from bot.serving.deps import API_GUARDS, RequestIdDep, RuntimeDep, SettingsDep, StoreDep
from bot.serving.errors import error_responses
from bot.serving.recording import record_reply
from bot.serving.schemas import ChatReply, ChatRequest
from bot.serving.sse import SSE_HEADERS
from bot.serving.streaming import chat_sse

router = APIRouter(
    prefix="/api",
    tags=["chat"],
    dependencies=API_GUARDS,
    responses=error_responses(400, 401, 413, 422, 429, 503),
)

# Which index build answered: a client (or a test) sees a publish take effect.
BUILD_HEADER = "X-FAQ-Build"

_SSE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "text/event-stream: `citations`, `delta`..., `done` (or `error`)",
        "content": {"text/event-stream": {}},
    }
}


# A plain `def`: FastAPI runs it in the threadpool, so retrieval never blocks the event loop.
@router.post("/chat", response_model=ChatReply)
def chat(
    body: ChatRequest,
    request: Request,
    response: Response,
    request_id: RequestIdDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
    store: StoreDep,
) -> ChatReply:
    """Answer one question (with the conversation so far) from the FAQ, with citations."""
    q = chat_input(body.question, body.history, body.category, settings, runtime.engine)
    _, reply = runtime.service.answer(q.question, q.history, q.category, settings.top_k)
    record_reply(store, request, request_id, "chat", q.question, reply, runtime.build_id)
    response.headers[BUILD_HEADER] = runtime.build_id
    return ChatReply.of(request_id, reply, runtime.build_id)


@router.post("/chat/stream", response_class=StreamingResponse, responses=_SSE_DOC)
async def chat_stream(
    body: ChatRequest,
    request: Request,
    request_id: RequestIdDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
    store: StoreDep,
) -> StreamingResponse:
    """The same reply as Server-Sent Events, for showing it while it is written."""
    q = chat_input(body.question, body.history, body.category, settings, runtime.engine)
    events = runtime.service.stream(q.question, q.history, q.category, settings.top_k)
    # Pull the first event before answering 200, so errors in retrieval still get their status code.
    first = await run_in_threadpool(next, events, None)

    def on_done(reply: Reply) -> None:
        record_reply(store, request, request_id, "chat", q.question, reply, runtime.build_id)

    # A sync iterator: Starlette advances it in the threadpool.
    return StreamingResponse(
        chat_sse(first, events, request_id, on_done, runtime.build_id),
        media_type="text/event-stream",
        headers={**SSE_HEADERS, BUILD_HEADER: runtime.build_id},
    )
