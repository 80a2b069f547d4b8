"""Signals to a real `faqbot serve` process: SIGTERM while it answers, SIGKILL while it writes.

SIGTERM: the server stops accepting, lets every request in flight finish (plain and streamed,
queued ones included), exits 0 within its grace period, and leaves a sound database with every
answered request in it. A request that outlives `--shutdown-timeout` is cut, not waited for.
SIGKILL mid-write: SQLite's WAL keeps every acknowledged write; the file passes integrity_check and
a new server starts on it and writes on.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from answering.scripted_llm import Scripted, ScriptedLLM

from bot.engine import Engine
from bot.settings import Settings

from .processes import faqbot_serve

pytestmark = pytest.mark.slow
DISK = "Dドライブの容量を増やす手順を知りたい"
GOOD = "ディスク拡張時はサーバの停止・起動が伴います。[No.17]"


def _env(settings: Settings, db: Path, **extra: str) -> dict[str, str]:
    return {
        "FAQBOT_DATA_DIR": str(settings.data_dir),
        "FAQBOT_INDEX_DIR": str(settings.index_dir),
        "FAQBOT_FEEDBACK_DB": str(db),
        "FAQBOT_RATE_LIMIT_PER_MINUTE": "0",
        "FAQBOT_LLM_BASE_URL": "",
        "OMP_NUM_THREADS": "1",
        **extra,
    }


def _ask(url: str, stream: bool) -> dict[str, Any]:
    if not stream:
        r = httpx.post(f"{url}/api/chat", json={"question": DISK}, timeout=60)
        r.raise_for_status()
        reply: dict[str, Any] = r.json()
        return reply
    with httpx.stream("POST", f"{url}/api/chat/stream", json={"question": DISK}, timeout=60) as r:
        r.raise_for_status()
        events = [json.loads(line[5:]) for line in r.iter_lines() if line.startswith("data:")]
    assert events[-1]["type"] == "done", events[-1]
    done: dict[str, Any] = {**events[-1]["reply"], "request_id": events[-1]["request_id"]}
    return done


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _ids(db: Path, table: str) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[0] for row in conn.execute(f"SELECT request_id FROM {table}")}
    finally:
        conn.close()


def test_sigterm_lets_requests_in_flight_finish(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    requests = 8  # twice the answer threads: half of them wait in line when the signal comes
    db = tmp_path / "feedback.sqlite3"
    with ScriptedLLM() as llm:
        env = _env(settings, db, FAQBOT_LLM_BASE_URL=llm.base_url, FAQBOT_LLM_TIMEOUT="20")
        with faqbot_serve(env, tmp_path / "serve.log", "--shutdown-timeout", "30") as server:
            llm.reset()  # the warm-up question abstains or is answered without the model
            llm.enqueue(*[Scripted(content=GOOD, delay=1.5) for _ in range(requests)])
            with ThreadPoolExecutor(requests) as pool:
                futures = [pool.submit(_ask, server.url, i % 2 == 1) for i in range(requests)]
                deadline = time.monotonic() + 30
                while len(llm.history) < 2:  # the model is writing: these requests are mid-way
                    assert time.monotonic() < deadline
                    time.sleep(0.02)
                signalled = time.monotonic()
                server.process.send_signal(signal.SIGTERM)
                time.sleep(0.3)
                with pytest.raises(httpx.TransportError):  # no new connection once it is stopping
                    httpx.get(f"{server.url}/healthz", timeout=2)
                replies = [f.result(timeout=60) for f in futures]
            # uvicorn shuts down cleanly, then re-raises the signal it caught: -SIGTERM is its clean exit.
            assert server.process.wait(timeout=30) in (0, -signal.SIGTERM), server.output()
            took = time.monotonic() - signalled
    assert all(r["mode"] == "llm" and r["text"].startswith(GOOD) for r in replies), replies
    assert took < 30
    assert _integrity(db) == "ok"
    assert _ids(db, "requests") >= {r["request_id"] for r in replies}
    output = server.output()
    assert output.count('"path": "/api/chat') >= requests and "Traceback" not in output
    assert "Application shutdown complete" in output


def test_shutdown_timeout_bounds_a_stuck_request(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    with ScriptedLLM() as llm:
        env = _env(
            settings, tmp_path / "f.sqlite3", FAQBOT_LLM_BASE_URL=llm.base_url, FAQBOT_LLM_TIMEOUT="60"
        )
        with faqbot_serve(env, tmp_path / "serve.log", "--shutdown-timeout", "1") as server:
            llm.reset()
            llm.enqueue(Scripted(content=GOOD, delay=45))
            errors: list[BaseException] = []

            def stuck() -> None:
                try:
                    _ask(server.url, stream=False)
                except BaseException as exc:
                    errors.append(exc)

            client = threading.Thread(target=stuck)
            client.start()
            while not llm.history:
                time.sleep(0.02)
            signalled = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            server.process.wait(timeout=30)
            took = time.monotonic() - signalled
            client.join(timeout=30)
    assert took < 10, f"SIGTERM took {took:.1f} s with a 1 s grace"
    assert errors  # the stuck request was cut, and its client told so


def test_sigkill_mid_write_leaves_a_sound_database(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    db = tmp_path / "feedback.sqlite3"
    env = _env(settings, db)
    answered: list[str] = []
    rated: list[str] = []
    stop = threading.Event()

    def client(url: str) -> None:
        with httpx.Client(timeout=30) as http:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    r = http.post(f"{url}/api/chat", json={"question": f"{DISK}（{n}）"})
                    if r.status_code != 200:
                        continue
                    request_id = r.json()["request_id"]
                    answered.append(request_id)
                    body = {"request_id": request_id, "rating": "up", "comment": "x" * 200}
                    if http.post(f"{url}/api/feedback", json=body).status_code == 201:
                        rated.append(request_id)
                except httpx.TransportError:
                    return  # the server is gone

    with faqbot_serve(env, tmp_path / "serve.log") as server:
        clients = [threading.Thread(target=client, args=(server.url,)) for _ in range(6)]
        for c in clients:
            c.start()
        deadline = time.monotonic() + 60
        while len(rated) < 30:  # mid-stream of writes, whatever the machine's speed
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.02)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        stop.set()
        for c in clients:
            c.join(timeout=30)
    assert _integrity(db) == "ok"
    assert set(answered) <= _ids(db, "requests")  # every acknowledged write survived the kill
    assert set(rated) <= _ids(db, "feedback")
    with faqbot_serve(env, tmp_path / "serve-again.log") as server:
        reply = _ask(server.url, stream=False)
        r = httpx.post(f"{server.url}/api/feedback", json={"request_id": reply["request_id"], "rating": "up"})
        assert r.status_code == 201
    assert _integrity(db) == "ok" and set(rated) | {reply["request_id"]} <= _ids(db, "feedback")
