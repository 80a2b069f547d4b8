"""GET /api/faq and /api/faq/{no}: the entries as published, for citation chips and browsing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from bot.serving.deps import API_GUARDS, RuntimeDep, SettingsDep
from bot.serving.errors import InvalidRequestError, error_responses
from bot.serving.schemas import FaqDetail, FaqSummary

# One page holds the whole FAQ as published today; a grown one is paged instead of sent whole.
DEFAULT_PAGE = 100
MAX_PAGE = 500

router = APIRouter(
    prefix="/api/faq", tags=["faq"], dependencies=API_GUARDS, responses=error_responses(401, 422, 429, 503)
)


@router.get("", response_model=list[FaqSummary])
async def list_entries(
    runtime: RuntimeDep,
    settings: SettingsDep,
    response: Response,
    category: str | None = None,
    offset: Annotated[int, Query(ge=0, description="entries to skip (in FAQ-number order)")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="entries per page")] = DEFAULT_PAGE,
) -> list[FaqSummary]:
    """Entries (number, category, question, link) in number order, a page at a time, optionally of
    one category. `X-Total-Count` gives the number of entries over all pages."""
    engine = runtime.engine
    if category is not None and category not in engine.categories:
        raise InvalidRequestError(f"unknown category {category!r}; one of: {', '.join(engine.categories)}")
    entries = engine.in_order(category)
    response.headers["X-Total-Count"] = str(len(entries))
    link = settings.faq_link_template
    return [
        FaqSummary(no=e.no, category=e.category, question=e.question, link=link.format(no=e.no))
        for e in entries[offset : offset + limit]
    ]


@router.get("/{no}", response_model=FaqDetail, responses=error_responses(404))
async def get_entry(no: int, runtime: RuntimeDep, settings: SettingsDep) -> FaqDetail:
    """One entry with its full answer; 404 when the number does not exist."""
    entry = runtime.engine.entry(no)
    return FaqDetail.of(entry, settings.faq_link_template.format(no=no))
