"""CORS with an allowlist that gives an origin off the list nothing at all.

Starlette's middleware sends `Access-Control-Expose-Headers` to every origin, listed or not. A
browser reads nothing without `Access-Control-Allow-Origin`, so that header grants nothing, but
"an origin off the list gets no CORS header" is a rule an operator can check with curl; this
keeps it true. `Vary: Origin` stays, so a cache never hands one origin's answer to another.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Send


class AllowlistCORSMiddleware(CORSMiddleware):
    def _refused(self, origin: str | None) -> bool:
        return origin is not None and not self.allow_all_origins and not self.is_allowed_origin(origin)

    def preflight_response(self, request_headers: Headers) -> Response:
        if self._refused(request_headers.get("Origin")):
            return PlainTextResponse("Disallowed CORS origin", status_code=400, headers={"Vary": "Origin"})
        return super().preflight_response(request_headers)

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        if not self._refused(request_headers.get("Origin")):
            await super().send(message, send, request_headers)
            return
        if message["type"] == "http.response.start":
            message.setdefault("headers", [])
            MutableHeaders(scope=message).add_vary_header("Origin")
        await send(message)
