"""Admin API behind the review page's Publish button (admin key on every route).

POST /api/admin/publish starts a publish in a thread of this process (202; 409 while one runs
anywhere on this index), GET reports the latest one from index/PUBLISH.json (any worker can),
POST /api/admin/publish/rollback makes the previous build current, GET /api/admin/index says
which build this process serves and whether data/ has changed since.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from bot.embedders.base import Embedder
from bot.errors import IndexBusyError, PublishError
from bot.publish.builds import RollbackResult, rollback
from bot.publish.gate import DEFAULT_EVAL_DIR, default_gates
from bot.publish.job import BackgroundPublisher, PublishJob, read_job
from bot.publish.publisher import PublishPlan
from bot.serving.admin import ADMIN_GUARDS
from bot.serving.deps import SettingsDep
from bot.serving.errors import ErrorBody, ServingError, error_responses
from bot.serving.runtime import Runtime
from bot.serving.watcher import IndexStatus, IndexWatch


class _SharedPathRoute(APIRoute):
    """GET and POST /api/admin/publish are two routes: a wrong method must list both in Allow
    (Starlette answers with the methods of the first route whose path matched)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            siblings = [r for r in router.routes if isinstance(r, APIRoute) and r.path == self.path]
            allowed = {m for r in siblings for m in r.methods or ()}
            raise StarletteHTTPException(405, headers={"Allow": ", ".join(sorted(allowed))})
        await super().handle(scope, receive, send)


router = APIRouter(
    prefix="/api/admin", tags=["admin"], dependencies=ADMIN_GUARDS, route_class=_SharedPathRoute
)

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "a publish or rollback is already running on this index"},
}


class PublishConflictError(ServingError):
    status = 409
    type = "conflict"


def _publisher(request: Request) -> BackgroundPublisher:
    publisher: BackgroundPublisher | None = getattr(request.app.state, "publisher", None)
    if publisher is None:
        publisher = request.app.state.publisher = BackgroundPublisher()
    return publisher


@router.post(
    "/publish", status_code=202, response_model=PublishJob, responses={**error_responses(401), **_CONFLICT}
)
def start_publish(request: Request, settings: SettingsDep) -> PublishJob:
    """Rebuild from data/, gate on the eval sets, switch if it passes; poll GET for progress."""
    runtime: Runtime | None = request.app.state.runtime

    def embedder() -> Embedder:
        if runtime is not None:
            return runtime.engine.embedder  # the model already loaded; builds reuse most vectors
        from bot.wiring import embedder_from

        return embedder_from(settings, serving=True)

    plan = PublishPlan(settings.data_dir, settings.index_dir, default_gates(DEFAULT_EVAL_DIR))
    try:
        return _publisher(request).start(plan, embedder)
    except IndexBusyError as exc:
        raise PublishConflictError(str(exc)) from exc


@router.get("/publish", response_model=PublishJob, responses=error_responses(401))
def publish_status(settings: SettingsDep) -> PublishJob:
    """The latest publish on this index (state "idle" when there was none)."""
    return read_job(settings.index_dir)


@router.post(
    "/publish/rollback", response_model=RollbackResult, responses={**error_responses(401), **_CONFLICT}
)
async def publish_rollback(settings: SettingsDep) -> RollbackResult:
    """Make the previous build current again; every server switches back within seconds."""
    try:
        return await anyio.to_thread.run_sync(rollback, settings.index_dir)
    except IndexBusyError as exc:
        raise PublishConflictError(str(exc)) from exc
    except PublishError as exc:
        raise PublishConflictError(str(exc)) from exc


@router.get("/index", response_model=IndexStatus, responses=error_responses(401))
async def index_status(request: Request) -> IndexStatus:
    """The build this process answers from, the one CURRENT names, and whether data/ changed."""
    watch: IndexWatch = request.app.state.index_watch
    return watch.status(request.app.state.runtime, request.app.state.load_error)
