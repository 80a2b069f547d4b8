"""Refuse oversized request bodies with our JSON error instead of reading them.

A declared Content-Length over the limit is refused at once; a body without one (chunked) is
counted while the route reads it, and reading past the limit raises BodyTooLargeError.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.serving.errors import TOO_LARGE_FLAG, BodyTooLargeError, error_body


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            error = BodyTooLargeError(f"request body is {int(length)} bytes; the limit is {self.max_bytes}")
            response = JSONResponse(
                error_body(str(error), error.type, Request(scope)), status_code=error.status
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                # FastAPI turns errors while reading the body into a generic 400; this flag lets
                # the error handler say what really happened.
                scope.setdefault("state", {})[TOO_LARGE_FLAG] = self.max_bytes
                raise BodyTooLargeError(f"request body is over the limit of {self.max_bytes} bytes")
            return message

        await self.app(scope, counting_receive, send)
