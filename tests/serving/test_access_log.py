"""The structured access log: one JSON line per request; questions only when asked for."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

AppFactory = Callable[..., FastAPI]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def access_lines() -> Iterator[list[dict[str, Any]]]:
    handler = _Lines()
    logger = logging.getLogger("faqbot.access")
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        logger.removeHandler(handler)


def test_one_line_per_request_with_outcome(make_app: AppFactory, access_lines: list[dict[str, Any]]) -> None:
    with TestClient(make_app()) as c:
        r = c.post("/api/chat", json={"question": "Dドライブの容量を増やす手順を知りたい"})
        c.post("/api/chat", json={"question": ""})
        c.post("/api/chat/stream", json={"question": "駅前でおいしいラーメン屋を教えて"})
    ok, bad, stream = access_lines[-3:]
    assert ok["request_id"] == r.headers["x-request-id"]
    assert (ok["method"], ok["path"], ok["status"], ok["mode"], ok["citations"]) == (
        "POST",
        "/api/chat",
        200,
        "extractive",
        [17],
    )
    assert isinstance(ok["latency_ms"], float) and ok["latency_ms"] > 0
    assert "question" not in ok
    assert bad["status"] == 422 and "mode" not in bad
    # A streamed reply is logged when the stream ends, with the guard's verdict.
    assert (stream["path"], stream["mode"], stream["citations"]) == ("/api/chat/stream", "abstain", [])


def test_questions_are_logged_only_when_enabled(
    make_app: AppFactory, access_lines: list[dict[str, Any]]
) -> None:
    with TestClient(make_app(log_questions=True)) as c:
        c.post("/api/chat", json={"question": "SLAは？"})
    assert access_lines[-1]["question"] == "SLAは？"
