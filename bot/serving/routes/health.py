"""GET /healthz (the process answers) and /readyz (the engine is loaded). No key, no rate limit."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.serving.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
async def readyz(request: Request) -> Health | JSONResponse:
    runtime = request.app.state.runtime
    if runtime is not None:
        return Health(status="ok", entries=len(runtime.engine.entries))
    error = request.app.state.load_error
    health = Health(status="error" if error else "loading", detail=error or "loading the FAQ index")
    return JSONResponse(health.model_dump(), status_code=503, headers={"Retry-After": "5"})
