"""GET /healthz (the process answers) and /readyz (a build is loaded). No key, no rate limit.

/readyz stays 200 while a good build answers, even when data/ has changed since it was built or
CURRENT names a build that failed to load: it says so in `data_changed` and `detail`. Only with
no usable build at all is it 503, with the reason and the command to run.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.serving.schemas import Health
from bot.serving.watcher import IndexWatch

router = APIRouter(tags=["health"])


class Readiness(Health):
    build: str | None = None
    data_changed: bool = False


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(request: Request) -> Readiness | JSONResponse:
    runtime = request.app.state.runtime
    error = request.app.state.load_error
    watch: IndexWatch = request.app.state.index_watch
    status = watch.status(runtime, error)
    if runtime is not None:
        plain = not status.data_changed and status.load_error is None and watch.data_error is None
        return Readiness(
            status="ok",
            entries=len(runtime.engine.entries),
            build=runtime.build_id,
            data_changed=status.data_changed,
            detail=None if plain else status.message,
        )
    health = Readiness(status="error" if error else "loading", detail=error or "loading the FAQ index")
    return JSONResponse(health.model_dump(), status_code=503, headers={"Retry-After": "5"})
