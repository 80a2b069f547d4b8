"""Shared state across app instances and real uvicorn workers: rate anywhere, export from the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.engine import Engine
from bot.serving.feedback import SqlFeedbackStore
from bot.settings import Settings

QUESTION = "ポータルのパスワードを失念したのでリセットしてほしい"  # FAQ No.7


def export(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "feedback", "export", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_reply_recorded_by_one_app_is_rated_through_another(
    make_app: Callable[..., FastAPI], db_url: str
) -> None:
    first, second = make_app(database_url=db_url), make_app(database_url=db_url)
    try:
        with TestClient(first) as a, TestClient(second) as b:
            reply = a.post("/api/chat", json={"question": QUESTION}).json()
            r = b.post("/api/feedback", json={"request_id": reply["request_id"], "rating": "up"})
            assert r.status_code == 201, r.text
            r = a.post(
                "/api/feedback",
                json={"request_id": reply["request_id"], "rating": "down", "comment": "手順が古い"},
            )
            assert r.status_code == 201, r.text
            assert b.post("/api/feedback", json={"request_id": "f" * 32, "rating": "up"}).status_code == 404
        (row,) = SqlFeedbackStore(first.state.store.engine).feedback_rows()
        assert (row.request_id, row.rating, row.comment) == (reply["request_id"], "down", "手順が古い")
        assert row.question == QUESTION and row.citations == (7,)
    finally:
        first.state.store.engine.dispose()
        second.state.store.engine.dispose()


def test_export_reads_the_database_url(make_app: Callable[..., FastAPI], db_url: str, tmp_path: Path) -> None:
    app = make_app(database_url=db_url)
    with TestClient(app) as client:
        reply = client.post("/api/chat", json={"question": QUESTION}).json()
        client.post("/api/feedback", json={"request_id": reply["request_id"], "rating": "up"})
    app.state.store.engine.dispose()
    missing = tmp_path / "never-created.sqlite3"  # the URL wins over FAQBOT_FEEDBACK_DB
    done = export({"FAQBOT_DATABASE_URL": db_url, "FAQBOT_FEEDBACK_DB": str(missing)}, "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert (line["request_id"], line["rating"], line["citations"]) == (reply["request_id"], "up", [7])
    assert "1 ratings exported" in done.stderr and not missing.exists()


def test_export_from_a_database_without_the_schema_says_what_to_do(pg_url: str) -> None:
    done = export({"FAQBOT_DATABASE_URL": pg_url})
    assert done.returncode == 1
    assert "faqbot serve" in done.stderr and "Traceback" not in done.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
def test_two_uvicorn_workers_share_replies_ratings_and_the_rate_limit(
    settings: Settings, engine: Engine, pg_url: str, tmp_path: Path
) -> None:
    limit = 12
    port = _free_port()
    sqlite_file = tmp_path / "feedback.sqlite3"
    env = {
        **os.environ,
        "FAQBOT_DATA_DIR": str(settings.data_dir),
        "FAQBOT_INDEX_DIR": str(settings.index_dir),  # built by the session fixture
        "FAQBOT_FEEDBACK_DB": str(sqlite_file),  # must stay unused: the URL is set
        "FAQBOT_DATABASE_URL": pg_url,
        "FAQBOT_RATE_LIMIT_PER_MINUTE": str(limit),
        "FAQBOT_LLM_BASE_URL": "",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("w+") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--workers", "2", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _exercise(f"http://127.0.0.1:{port}", proc, log_path, limit)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    output = log_path.read_text()
    # Both workers migrated at once (lock), one of them did the work; neither failed.
    assert len(re.findall(r"engine ready", output)) == 2, output
    assert "Traceback" not in output, output
    assert not sqlite_file.exists()
    admin = create_engine(pg_url, poolclass=NullPool)
    with admin.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM requests")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM feedback")).scalar() == 4
        clients = conn.execute(text("SELECT client, hits FROM rate_limits")).all()
    admin.dispose()
    assert len(clients) == 1 and clients[0][0] != "127.0.0.1" and clients[0][1] > limit


def _exercise(base: str, proc: subprocess.Popen[bytes], log_path: Path, limit: int) -> None:
    deadline = time.monotonic() + 240
    # Each worker loads the index on its own: wait until both say so, not just one /readyz.
    while log_path.read_text().count("engine ready") < 2:
        assert proc.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.3)
    # The limit counts per clock minute: start early in one so the whole run falls inside it.
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)
    # A new connection per request (no shared client), so the kernel spreads them over both workers.
    ids = []
    for _ in range(4):
        r = httpx.post(f"{base}/api/chat", json={"question": QUESTION}, timeout=60)
        assert r.status_code == 200, r.text
        ids.append(r.json()["request_id"])
    for rid in ids:
        r = httpx.post(f"{base}/api/feedback", json={"request_id": rid, "rating": "up"}, timeout=30)
        assert r.status_code == 201, r.text  # whichever worker recorded the reply
    statuses = [httpx.get(f"{base}/api/faq/7", timeout=30).status_code for _ in range(limit - 8 + 3)]
    # 8 requests so far; the budget is shared, so exactly limit - 8 more pass, on any worker.
    assert statuses == [200] * (limit - 8) + [429] * 3, statuses
    refused = httpx.get(f"{base}/api/faq/7", timeout=30)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
