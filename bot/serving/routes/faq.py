"""GET /api/faq and /api/faq/{no}: the entries as published, for citation chips and browsing."""

from __future__ import annotations

from fastapi import APIRouter

from bot.serving.deps import API_GUARDS, RuntimeDep, SettingsDep
from bot.serving.errors import InvalidRequestError, error_responses
from bot.serving.schemas import FaqDetail, FaqSummary

router = APIRouter(
    prefix="/api/faq", tags=["faq"], dependencies=API_GUARDS, responses=error_responses(401, 422, 429, 503)
)


@router.get("", response_model=list[FaqSummary])
async def list_entries(
    runtime: RuntimeDep, settings: SettingsDep, category: str | None = None
) -> list[FaqSummary]:
    """Every entry (number, category, question, link), optionally of one category."""
    engine = runtime.engine
    if category is not None and category not in engine.categories:
        raise InvalidRequestError(f"unknown category {category!r}; one of: {', '.join(engine.categories)}")
    link = settings.faq_link_template
    return [
        FaqSummary(no=e.no, category=e.category, question=e.question, link=link.format(no=e.no))
        for e in sorted(engine.entries.values(), key=lambda e: e.no)
        if category is None or e.category == category
    ]


@router.get("/{no}", response_model=FaqDetail, responses=error_responses(404))
async def get_entry(no: int, runtime: RuntimeDep, settings: SettingsDep) -> FaqDetail:
    """One entry with its full answer; 404 when the number does not exist."""
    entry = runtime.engine.entry(no)
    return FaqDetail.of(entry, settings.faq_link_template.format(no=no))
