"""Serving fixtures: the real app on the real (session) engine, through TestClient or real uvicorn.

Helpers are handed out as fixtures (`serve`, `sql`) because the tests folder is not a package.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.engine import Engine
from bot.serving import create_app
from bot.settings import Settings

AppFactory = Callable[..., FastAPI]
Serve = Callable[[FastAPI], AbstractContextManager[str]]
Sql = Callable[..., list[sqlite3.Row]]


@contextmanager
def _serve(app: FastAPI) -> Iterator[str]:
    """Run `app` on real uvicorn at 127.0.0.1:<free port> in a thread; yield its base URL."""
    # Bind first and hand the socket over: no window in which another process takes the port.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _sql(db: Path, statement: str, *params: Any) -> list[sqlite3.Row]:
    """Read the feedback database the way an analyst would: plain sqlite3."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(statement, params).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="session")
def serve() -> Serve:
    return _serve


@pytest.fixture(scope="session")
def sql() -> Sql:
    return _sql


@pytest.fixture
def make_app(settings: Settings, engine: Engine, tmp_path: Path) -> AppFactory:
    """create_app with setting overrides; no rate limit and a private feedback DB unless asked."""

    def factory(**overrides: Any) -> FastAPI:
        values: dict[str, Any] = {"rate_limit_per_minute": 0, "feedback_db": tmp_path / "feedback.sqlite3"}
        values.update(overrides)
        return create_app(settings.model_copy(update=values), engine=engine)

    return factory


@pytest.fixture
def client(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app()) as c:
        yield c


@pytest.fixture
def feedback_db(client: TestClient) -> Path:
    db: Path = client.app.state.settings.feedback_db  # type: ignore[attr-defined]
    return db


@pytest.fixture(scope="session")
def live_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    db = tmp_path_factory.mktemp("live") / "feedback.sqlite3"
    return settings.model_copy(update={"rate_limit_per_minute": 0, "feedback_db": db})


@pytest.fixture(scope="session")
def live_url(live_settings: Settings, engine: Engine) -> Iterator[str]:
    """One real uvicorn for the session; the browser and openai-client tests share it."""
    with _serve(create_app(live_settings, engine=engine)) as url:
        yield url
