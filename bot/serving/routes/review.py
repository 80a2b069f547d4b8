"""The review queue's admin API: list clusters, decide them, export the FAQ gaps (admin key only)."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from bot.review.actions import ReviewActions, actor_name
from bot.review.gaps import gap_rows, write_csv
from bot.review.models import Decision, LoggedAction, ReviewKind, ReviewQueueView
from bot.review.queue import Filters, ReviewQueue, VectorCache
from bot.serving.admin import ADMIN_GUARDS
from bot.serving.deps import RuntimeDep, SettingsDep
from bot.serving.errors import InvalidRequestError, error_responses
from bot.serving.feedback.review_store import SqlReviewStore

router = APIRouter(
    prefix="/api/admin",
    tags=["review"],
    dependencies=ADMIN_GUARDS,
    # 404: the id is not in the queue (any more); 503: index loading or database down.
    responses=error_responses(401, 404, 422, 503),
)

TargetId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=80,
        description="a cluster id (c-…) for the whole cluster, or one question's request id",
    ),
]
ActorHeader = Annotated[
    str | None,
    Header(
        alias="X-Admin-User",
        description='who decides, for the review log (default "admin"); percent-encode non-ASCII names',
    ),
]


def _whole_number(value: object) -> object:
    # JSON Schema's integer includes 12.0; a string or a fraction stays an error.
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A calendar day, nothing else: a bare date type would also read "0" as 1970-01-01 (a timestamp).
DayParam = Annotated[
    str | None,
    Query(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", json_schema_extra={"format": "date"}, examples=["2026-04-01"]
    ),
]


def _day(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidRequestError(f"{name}: {value!r} is not a calendar day (YYYY-MM-DD)") from None


class AcceptRequest(BaseModel):
    # Strict: "12" is a mistake in the client, not an entry number to guess.
    model_config = ConfigDict(extra="forbid", strict=True)
    no: Annotated[int, BeforeValidator(_whole_number)] = Field(
        ge=1, description="the FAQ entry the questions are phrasings of"
    )


def _queue(request: Request, runtime: RuntimeDep, settings: SettingsDep) -> ReviewQueue:
    state = request.app.state
    cache: VectorCache | None = getattr(state, "review_vectors", None)
    if cache is None:
        cache = state.review_vectors = VectorCache()
    store = SqlReviewStore(state.store.engine)
    return ReviewQueue.for_engine(runtime.engine, store, cache, settings.tie_margin)


def _actions(request: Request, runtime: RuntimeDep, settings: SettingsDep) -> ReviewActions:
    return ReviewActions(queue=_queue(request, runtime, settings), data_dir=settings.data_dir)


@router.get("/review", response_model=ReviewQueueView)
def review_queue(
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    kind: Annotated[
        ReviewKind | None, Query(description="clusters holding at least one of this kind")
    ] = None,
    since: DayParam = None,
    until: DayParam = None,
) -> ReviewQueueView:
    """Undecided questions (abstained, rated 👎, near-tied, picked among chips), clustered, newest first.

    `since` / `until` (YYYY-MM-DD, UTC, both included) keep clusters with a question asked then."""
    first, last = _day("since", since), _day("until", until)
    if first and last and first > last:
        raise InvalidRequestError(f"since ({first}) is after until ({last}): swap them")
    clusters, truncated = _queue(request, runtime, settings).clusters(Filters(kind, first, last))
    return ReviewQueueView(
        clusters=tuple(clusters),
        questions=sum(c.count for c in clusters),
        truncated=truncated,
        log_questions=settings.log_questions,
        retention_days=settings.retention_days,
        tie_margin=settings.tie_margin,
    )


@router.post("/review/{target}/accept", response_model=Decision)
def accept(
    target: TargetId,
    body: AcceptRequest,
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    actor: ActorHeader = None,
) -> Decision:
    """Accept the questions as alternate phrasings of No.`no`: written to data/enrichment.jsonl,
    which the next publish builds into the index."""
    return _actions(request, runtime, settings).accept(target, body.no, actor_name(actor))


@router.post("/review/{target}/{action}", response_model=Decision)
def mark(
    target: TargetId,
    action: Literal["gap", "dismiss"],
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    actor: ActorHeader = None,
) -> Decision:
    """`gap`: the FAQ lacks this (exported by /api/admin/gaps.csv). `dismiss`: nothing to do."""
    return _actions(request, runtime, settings).mark(target, action, actor_name(actor))


@router.get("/review-log", response_model=list[LoggedAction])
def review_log(request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[LoggedAction]:
    """The latest decisions, newest first: who decided what, and when."""
    return SqlReviewStore(request.app.state.store.engine).log(limit)


@router.get("/gaps.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def gaps_csv(request: Request, runtime: RuntimeDep, settings: SettingsDep) -> Response:
    """Questions marked as FAQ gaps, grouped, with counts: one line per distinct question."""
    queue = _queue(request, runtime, settings)
    out = io.StringIO()
    write_csv(gap_rows(queue.store.gap_questions(), queue), out)
    # A BOM so spreadsheet programs read the Japanese as UTF-8.
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="faq-gaps.csv"'},
    )
