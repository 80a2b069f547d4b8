"""POST /v1/chat/completions and GET /v1/models: faqbot as an OpenAI-compatible "model"."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from bot.models import Reply
from bot.serving.chat_input import clean_text
from bot.serving.deps import API_GUARDS, RequestIdDep, RuntimeDep, SettingsDep, StoreDep
from bot.serving.errors import error_responses
from bot.serving.openai_compat import (
    MODEL_ID,
    CompletionRequest,
    check_user_lengths,
    completion,
    models_list,
    split_messages,
)
from bot.serving.openai_stream import openai_sse
from bot.serving.recording import record_reply
from bot.serving.sse import SSE_HEADERS

router = APIRouter(
    prefix="/v1", tags=["openai-compatible"], dependencies=API_GUARDS, responses=error_responses(401, 429)
)
_COMPLETION_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "a `chat.completion` object, or with `stream: true` `chat.completion.chunk` events "
        "ending in `data: [DONE]`",
        "content": {"application/json": {"schema": {"type": "object"}}, "text/event-stream": {}},
    },
    **error_responses(400, 413, 422, 503),
}


@router.get("/models")
async def models() -> dict[str, Any]:
    return models_list()


@router.post("/chat/completions", response_model=None, responses=_COMPLETION_DOC)
async def chat_completions(
    body: CompletionRequest,
    request: Request,
    request_id: RequestIdDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
    store: StoreDep,
) -> dict[str, Any] | StreamingResponse:
    """The last user message is the question; earlier user/assistant messages are the history."""
    text, history = split_messages(body.messages)
    question = clean_text(text, settings.max_question_chars)
    check_user_lengths(body.messages, settings.max_question_chars)

    def on_done(reply: Reply) -> None:
        record_reply(store, request, request_id, "openai", question, reply, runtime.build_id)

    if not body.stream:
        _, reply = await run_in_threadpool(runtime.service.answer, question, history, None, settings.top_k)
        await run_in_threadpool(on_done, reply)
        return completion(reply, request_id, MODEL_ID)
    events = runtime.service.stream(question, history, None, settings.top_k)
    first = await run_in_threadpool(next, events, None)
    frames = openai_sse(first, events, request_id, MODEL_ID, on_done)
    return StreamingResponse(frames, media_type="text/event-stream", headers=SSE_HEADERS)
