"""HTTP-edge errors and the handlers that turn every error into one JSON shape.

The shape is OpenAI's (`{"error": {"message", "type", ...}}`) so the same body reads well in the
widget, in curl and in any OpenAI-compatible client talking to /v1.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.errors import (
    BotError,
    DatabaseUnavailableError,
    DataError,
    EmbedderError,
    GeneratorError,
    IndexNotFoundError,
    InvalidQuestionError,
    NotFoundError,
    StaleIndexError,
)

log = logging.getLogger("faqbot.serving")
TOO_LARGE_FLAG = "body_too_large"
DATABASE_DOWN = (
    "the database is unavailable, so nothing could be stored or read; retry in a moment "
    "(the server log has the cause under this request id)"
)


class ErrorLocation(BaseModel):
    loc: list[str] = Field(description='where in the request, e.g. `["body", "question"]`')
    msg: str


class ErrorInfo(BaseModel):
    message: str = Field(description="what went wrong and how to fix it")
    type: str = Field(
        description="machine-readable kind: invalid_json, invalid_request, invalid_question, unauthorized, "
        "not_found, too_large, rate_limited, not_ready, index_unavailable, data_unavailable, ..."
    )
    request_id: str | None = Field(description="also in the X-Request-ID header; quote it in a bug report")
    details: list[ErrorLocation] | None = Field(
        default=None, description="one item per invalid field (422 validation errors only)"
    )


class ErrorBody(BaseModel):
    """The body of every error response, whatever the status."""

    error: ErrorInfo


_RETRY_AFTER = {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}
_STATUS_DOCS: dict[int, dict[str, Any]] = {
    400: {"description": "the body is not valid JSON (`invalid_json`)"},
    401: {"description": "FAQBOT_API_KEY is set and X-API-Key (or a bearer token) is missing or wrong"},
    404: {"description": "no such FAQ entry, or no answered request with that id"},
    413: {"description": "the body is over the server's size limit"},
    422: {"description": "the body or a parameter breaks the documented constraints"},
    429: {
        "description": "over FAQBOT_RATE_LIMIT_PER_MINUTE for this client",
        "headers": {"Retry-After": {**_RETRY_AFTER, "required": True}},
    },
    503: {
        "description": "the FAQ index is still loading, failed to load, or a store is unavailable",
        "headers": {"Retry-After": _RETRY_AFTER},
    },
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error statuses a route can answer, each with the ErrorBody schema."""
    return {status: {"model": ErrorBody, **_STATUS_DOCS[status]} for status in statuses}


class ServingError(BotError):
    """An error only the HTTP edge raises. Subclasses fix status and type."""

    status = 400
    type = "invalid_request"
    headers: dict[str, str] | None = None


class InvalidRequestError(ServingError):
    status = 422


class BodyTooLargeError(ServingError):
    status = 413
    type = "too_large"


class NotReadyError(ServingError):
    status = 503
    type = "not_ready"

    def __init__(self, message: str) -> None:
        self.headers = {"Retry-After": "5"}
        super().__init__(message)


class UnauthorizedError(ServingError):
    status = 401
    type = "unauthorized"

    def __init__(self, message: str) -> None:
        self.headers = {"WWW-Authenticate": 'Bearer realm="faqbot"'}
        super().__init__(message)


class RateLimitedError(ServingError):
    status = 429
    type = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}
        super().__init__(f"too many requests: retry in {retry_after} s")


# Domain errors raised by the core, by status. Order matters: first match wins.
_DOMAIN: list[tuple[type[BotError], int, str]] = [
    (InvalidQuestionError, 422, "invalid_question"),
    (NotFoundError, 404, "not_found"),
    (GeneratorError, 502, "llm_unavailable"),
    (IndexNotFoundError, 503, "index_unavailable"),
    (StaleIndexError, 503, "index_unavailable"),
    (DataError, 503, "data_unavailable"),
    (EmbedderError, 503, "embedder_unavailable"),
]


def error_body(message: str, type_: str, request: Request, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message, "type": type_, "request_id": request_id_of(request)}
    body.update(extra)
    return {"error": body}


def request_id_of(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def status_of(exc: BotError) -> tuple[int, str]:
    if isinstance(exc, ServingError):
        return exc.status, exc.type
    for cls, status, type_ in _DOMAIN:
        if isinstance(exc, cls):
            return status, type_
    return 500, "internal_error"


async def _bot_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BotError)
    status, type_ = status_of(exc)
    if status >= 500 and not isinstance(exc, NotReadyError):
        log.error("request %s failed: %s", request_id_of(request), exc)
    headers = exc.headers if isinstance(exc, ServingError) else None
    message = str(exc)
    if isinstance(exc, DatabaseUnavailableError):
        # The cause names files, hosts and users: the operator's business, so it stays in the log.
        message = DATABASE_DOWN
        headers = {"Retry-After": "10"}
    return JSONResponse(error_body(message, type_, request), status_code=status, headers=headers)


def _describe(error: dict[str, Any]) -> str:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "path", "query")]
    where = ".".join(loc)
    if error.get("type") == "missing":
        if not where:  # the whole body is absent: an empty POST
            return "the request body is missing: send a JSON object"
        return f"{where}: required field is missing"
    if error.get("type") == "extra_forbidden":
        return f"{where}: unknown field (not accepted by this endpoint)"
    msg = str(error.get("msg", "invalid value"))
    return f"{where}: {msg}" if where else msg


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        bad = next(e for e in errors if e.get("type") == "json_invalid")
        detail = str(bad.get("ctx", {}).get("error", ""))
        body = error_body(f"request body is not valid JSON ({detail})", "invalid_json", request)
        return JSONResponse(body, status_code=400)
    message = "; ".join(_describe(e) for e in errors)
    details = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", "")} for e in errors]
    return JSONResponse(error_body(message, "invalid_request", request, details=details), status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    limit = getattr(request.state, TOO_LARGE_FLAG, None)
    if limit is not None:
        return await _bot_error(
            request, BodyTooLargeError(f"request body is over the limit of {limit} bytes")
        )
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such endpoint: {request.method} {request.url.path}"
    type_ = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "http_error")
    return JSONResponse(error_body(message, type_, request), status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log, not to the client.
    log.exception("request %s crashed", request_id_of(request), exc_info=exc)
    body = error_body("internal error; see the server log", "internal_error", request)
    return JSONResponse(body, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BotError, _bot_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
