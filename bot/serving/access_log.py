"""Structured access log: one JSON line per request, and the request id every response carries.

Routes add what they know (mode, cited numbers, the question) with `annotate`; the middleware
writes the line when the response is complete, so streamed replies are logged with their outcome.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("faqbot.access")
_LOG_KEY = "access_log_fields"


def annotate(request: Request, **fields: Any) -> None:
    """Attach fields to this request's access-log line."""
    state = request.scope.setdefault("state", {})
    state.setdefault(_LOG_KEY, {}).update(fields)


def configure_logging() -> None:
    """Access log as bare JSON lines and server events as plain lines, both on stderr, once."""
    formats = {"faqbot.access": "%(message)s", "faqbot.serving": "faqbot %(levelname)s: %(message)s"}
    for name, fmt in formats.items():
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
        if any(getattr(h, "faqbot", False) for h in logger.handlers):
            continue
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(fmt))
        handler.faqbot = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp, log_questions: bool = False, client_secret: bytes = b"") -> None:
        self.app = app
        self.log_questions = log_questions
        # Client addresses are personal data: the log gets a keyed hash (the same client gives the
        # same value, so abuse can still be traced in the log), never the address itself.
        self.client_secret = client_secret or os.urandom(32)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before responding

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._write(scope, state, request_id, status, time.perf_counter() - started)

    def _write(
        self, scope: Scope, state: dict[str, Any], request_id: str, status: int, seconds: float
    ) -> None:
        client = scope.get("client")
        line: dict[str, Any] = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": request_id,
            "method": scope.get("method"),
            "path": scope.get("path"),
            "status": status,
            "latency_ms": round(seconds * 1000, 1),
            "client": self._client(client[0]) if client else None,
        }
        fields = dict(state.get(_LOG_KEY, {}))
        question = fields.pop("question", None)
        line.update(fields)
        if self.log_questions and question is not None:
            line["question"] = question
        access_log.info(json.dumps(line, ensure_ascii=False))

    def _client(self, address: str) -> str:
        return hmac.new(self.client_secret, address.encode(), hashlib.sha256).hexdigest()[:16]
