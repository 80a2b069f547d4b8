"""Servers notice a new index/CURRENT and a changed data/ by themselves, without a restart.

In process (TestClient runs the lifespan, so the real watcher task polls) and as real
`python -m bot serve` children, one worker and two.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.bench.server import free_port
from bot.embedders.base import Embedder
from bot.index.pointer import index_lock, make_current, read_current
from bot.index.store import CURRENT_FILE
from bot.publish.gate import default_gates
from bot.publish.publisher import PublishPlan, publish
from bot.serving import create_app
from bot.settings import Settings

pytestmark = pytest.mark.slow
AddPhrasing = Callable[[Path, int, str], None]
ADMIN = {"X-Admin-Key": "admin-secret"}
PICKUP_LIMIT_S = 5.0


def _copy_build(index: Path, suffix: str) -> str:
    """A second build: the current one under a new name (the swap is the same for any build)."""
    current = read_current(index)
    assert current is not None
    name = f"{current[:-6]}{suffix}"
    shutil.copytree(index / current, index / name)
    return name


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < timeout, f"{what}: not within {timeout} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_replies_carry_the_build_that_answered(client: TestClient) -> None:
    build = client.app.state.runtime.build_id  # type: ignore[attr-defined]
    r = client.post("/api/chat", json={"question": "SLAは？"})
    assert r.status_code == 200
    assert r.json()["build"] == r.headers["x-faq-build"] == build
    stream = client.post("/api/chat/stream", json={"question": "SLAは？"})
    done = json.loads(stream.text.rsplit("event: done\ndata: ", 1)[1])
    assert done["build"] == stream.headers["x-faq-build"] == build
    assert client.get("/readyz").json()["build"] == build


@pytest.fixture
def watched_app(settings: Settings, publish_dirs: tuple[Path, Path], tmp_path: Path) -> Iterator[FastAPI]:
    data, index = publish_dirs
    update = {
        "data_dir": data,
        "index_dir": index,
        "feedback_db": tmp_path / "f.sqlite3",
        "admin_key": ADMIN["X-Admin-Key"],
        "rate_limit_per_minute": 0,
    }
    yield create_app(settings.model_copy(update=update))


def test_a_new_build_is_swapped_in_and_a_broken_one_is_not(watched_app: FastAPI) -> None:
    index: Path = watched_app.state.settings.index_dir
    with TestClient(watched_app) as c:
        _wait(lambda: c.get("/readyz").status_code == 200, 180, "startup load")
        first = c.get("/readyz").json()["build"]
        assert first == read_current(index)

        second = _copy_build(index, "second")
        with index_lock(index, wait=True):
            make_current(index, second)
        took = _wait(
            lambda: c.post("/api/chat", json={"question": "SLAは？"}).json()["build"] == second, 10, "swap"
        )
        assert took < PICKUP_LIMIT_S

        broken = _copy_build(index, "broken")
        (index / broken / "dense.faiss").write_bytes(b"not a faiss index")
        with index_lock(index, wait=True):
            make_current(index, broken)
        status = _wait_json(c, "/api/admin/index", lambda s: s["load_error"] is not None)
        assert status["serving_build"] == second and status["current_build"] == broken
        assert broken in status["message"] and f"still serving {second}" in status["message"]
        ready = c.get("/readyz")
        assert (
            ready.status_code == 200 and ready.json()["build"] == second and broken in ready.json()["detail"]
        )
        r = c.post("/api/chat", json={"question": "SLAは？"})
        assert r.status_code == 200 and r.json()["build"] == second  # the old build keeps answering


def test_data_changes_are_noticed_while_serving(watched_app: FastAPI, add_phrasing: AddPhrasing) -> None:
    data: Path = watched_app.state.settings.data_dir
    with TestClient(watched_app) as c:
        _wait(lambda: c.get("/readyz").status_code == 200, 180, "startup load")
        assert c.get("/readyz").json()["data_changed"] is False
        assert c.get("/api/admin/index", headers=ADMIN).json()["data_changed"] is False
        add_phrasing(data, 46, "稼働率の保証値はどこで確認できる？")
        status = _wait_json(c, "/api/admin/index", lambda s: s["data_changed"])
        assert "faqbot publish" in status["message"]
        ready = c.get("/readyz")
        assert ready.status_code == 200 and ready.json()["data_changed"] is True
        assert "data/ changed" in ready.json()["detail"]


def _wait_json(c: TestClient, path: str, ok: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    body: dict[str, Any] = {}

    def check() -> bool:
        nonlocal body
        body = c.get(path, headers=ADMIN).json()
        return ok(body)

    _wait(check, 10, path)
    return body


@contextmanager
def _child(data: Path, index: Path, home: Path, workers: int = 1) -> Iterator[tuple[str, Path]]:
    """`python -m bot serve` on a free port; yields its URL and its log file once /readyz is 200."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(
        FAQBOT_DATA_DIR=str(data),
        FAQBOT_INDEX_DIR=str(index),
        FAQBOT_FEEDBACK_DB=str(home / "feedback.sqlite3"),
        FAQBOT_ADMIN_KEY=ADMIN["X-Admin-Key"],
        FAQBOT_RATE_LIMIT_PER_MINUTE="0",
        OMP_NUM_THREADS="1",
    )
    log_path = home / "serve.log"
    with log_path.open("wb") as log:
        cmd = [sys.executable, "-m", "bot", "serve", "--port", str(port), "--workers", str(workers)]
        proc = subprocess.Popen(cmd, env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240
            while True:
                assert proc.poll() is None, log_path.read_text()
                try:
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.2)
            yield url, log_path
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_a_server_on_stale_data_answers_says_so_and_picks_up_the_publish(
    publish_dirs: tuple[Path, Path],
    publish_embedder: Embedder,
    add_phrasing: AddPhrasing,
    tmp_path: Path,
) -> None:
    data, index = publish_dirs
    old = read_current(index)
    add_phrasing(data, 46, "稼働率の保証値はどこで確認できる？")  # data/ moves on before the server starts
    with _child(data, index, tmp_path) as (url, _):
        ready = httpx.get(f"{url}/readyz").json()
        assert ready["status"] == "ok" and ready["build"] == old and ready["data_changed"] is True
        assert "faqbot publish" in ready["detail"]
        r = httpx.post(f"{url}/api/chat", json={"question": "SLAは？"}, timeout=30)
        assert r.status_code == 200 and r.headers["x-faq-build"] == old
        assert httpx.get(f"{url}/api/admin/index", headers=ADMIN).json()["data_changed"] is True

        outcome = publish(PublishPlan(data, index, default_gates()), publish_embedder)
        assert outcome.published, outcome.message
        swapped_at = (index / CURRENT_FILE).stat().st_mtime

        def answered_by_new() -> bool:
            return bool(
                httpx.post(f"{url}/api/chat", json={"question": "SLAは？"}, timeout=30).headers["x-faq-build"]
                == outcome.build
            )

        _wait(answered_by_new, 30, "pickup")
        pickup = time.time() - swapped_at
        print(f"\npickup after publish: {pickup:.2f} s (CURRENT written -> first reply from the new build)")
        assert pickup < PICKUP_LIMIT_S
        ready = httpx.get(f"{url}/readyz").json()
        assert ready["build"] == outcome.build and ready["data_changed"] is False and ready["detail"] is None


def test_two_workers_both_switch(publish_dirs: tuple[Path, Path], tmp_path: Path) -> None:
    _, index = publish_dirs
    data = publish_dirs[0]
    with _child(data, index, tmp_path, workers=2) as (url, log):
        new = _copy_build(index, "twowrk")
        with index_lock(index, wait=True):
            make_current(index, new)
        swapped_at = time.monotonic()

        def both_switched() -> set[str]:
            return set(re.findall(rf"switched from \S+ to {new} in [\d.]+ s \(pid (\d+)\)", log.read_text()))

        _wait(lambda: len(both_switched()) == 2, 30, "both workers")
        took = time.monotonic() - swapped_at
        print(f"\ntwo workers switched within {took:.2f} s (pids {sorted(both_switched())})")
        assert took < PICKUP_LIMIT_S
        builds = {
            httpx.post(f"{url}/api/chat", json={"question": "SLAは？"}).headers["x-faq-build"]
            for _ in range(20)
        }
        assert builds == {new}
