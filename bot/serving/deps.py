"""Dependencies as types: what a route needs, read from app.state, never from globals."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from bot.serving.errors import NotReadyError, RateLimitedError, UnauthorizedError
from bot.serving.feedback import FeedbackStore
from bot.serving.ratelimit import RateLimiter, retry_after_seconds
from bot.serving.runtime import Runtime
from bot.settings import Settings


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _runtime(request: Request) -> Runtime:
    runtime: Runtime | None = request.app.state.runtime
    if runtime is None:
        error = request.app.state.load_error
        raise NotReadyError(error or "the FAQ index is still loading; retry in a few seconds")
    return runtime


def _store(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.store
    return store


def _request_id(request: Request) -> str:
    request_id: str = request.state.request_id
    return request_id


SettingsDep = Annotated[Settings, Depends(_settings)]
RuntimeDep = Annotated[Runtime, Depends(_runtime)]
StoreDep = Annotated[FeedbackStore, Depends(_store)]
RequestIdDep = Annotated[str, Depends(_request_id)]


def presented_key(request: Request) -> str | None:
    """X-API-Key, or the bearer token OpenAI clients send."""
    key = request.headers.get("x-api-key")
    if key:
        return key
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def require_api_key(request: Request, settings: SettingsDep) -> None:
    if not settings.api_key:
        return
    key = presented_key(request)
    if key is None:
        raise UnauthorizedError("this server needs an API key: send it in the X-API-Key header")
    if not hmac.compare_digest(key.encode(), settings.api_key.encode()):
        raise UnauthorizedError("the API key is not valid")


def client_key(request: Request) -> str:
    # Behind a reverse proxy run uvicorn with --proxy-headers so this is the real client address.
    return request.client.host if request.client else "unknown"


async def limit_rate(request: Request) -> None:
    limiter: RateLimiter = request.app.state.limiter
    wait = limiter.acquire(client_key(request))
    if wait is not None:
        raise RateLimitedError(retry_after_seconds(wait))


# Every /api and /v1 route: the key first, so requests without one do not spend the client's budget.
API_GUARDS = [Depends(require_api_key), Depends(limit_rate)]
