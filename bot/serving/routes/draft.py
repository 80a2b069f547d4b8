"""POST /api/draft: a support-desk reply draft for an inquiry with several questions."""

from __future__ import annotations

from fastapi import APIRouter, Request

from bot.serving.chat_input import clean_inquiry
from bot.serving.deps import API_GUARDS, RequestIdDep, RuntimeDep, SettingsDep, StoreDep
from bot.serving.errors import error_responses
from bot.serving.recording import record_draft
from bot.serving.schemas import DraftReply, DraftRequest

router = APIRouter(
    prefix="/api",
    tags=["draft"],
    dependencies=API_GUARDS,
    responses=error_responses(400, 401, 413, 422, 429, 503),
)


@router.post("/draft", response_model=DraftReply)
def draft(
    body: DraftRequest,
    request: Request,
    request_id: RequestIdDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
    store: StoreDep,
) -> DraftReply:
    """Each paragraph answers one sentence of the inquiry and cites the entries it used."""
    inquiry = clean_inquiry(body.inquiry, settings)
    result = runtime.service.draft(inquiry)
    record_draft(store, request, request_id, inquiry, result, runtime.build_id)
    return DraftReply(request_id=request_id, **result.model_dump())
