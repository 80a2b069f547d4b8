"""The Publish button's API: /api/admin/publish (+ rollback) and /api/admin/index, on a real app
whose watcher runs (TestClient runs the lifespan), over copies of data/ and the index."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.index.pointer import read_current
from bot.serving import create_app
from bot.settings import Settings

pytestmark = pytest.mark.slow
AddPhrasing = Callable[[Path, int, str], None]
ADMIN = {"X-Admin-Key": "admin-secret"}
ROUTES = [
    ("POST", "/api/admin/publish"),
    ("GET", "/api/admin/publish"),
    ("POST", "/api/admin/publish/rollback"),
    ("GET", "/api/admin/index"),
]


@pytest.fixture
def app(settings: Settings, publish_dirs: tuple[Path, Path], tmp_path: Path) -> Iterator[FastAPI]:
    data, index = publish_dirs
    update = {
        "data_dir": data,
        "index_dir": index,
        "feedback_db": tmp_path / "f.sqlite3",
        "admin_key": ADMIN["X-Admin-Key"],
        "api_key": "widget-key",
        "rate_limit_per_minute": 0,
    }
    yield create_app(settings.model_copy(update=update))


def _ready(c: TestClient) -> None:
    deadline = time.monotonic() + 180
    while c.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "never ready"
        time.sleep(0.1)


def _finish(c: TestClient, timeout: float = 600) -> tuple[dict[str, Any], list[float]]:
    """Poll GET /api/admin/publish until the job ends; returns it and the progress seen."""
    seen: list[float] = []
    deadline = time.monotonic() + timeout
    while True:
        job = c.get("/api/admin/publish", headers=ADMIN).json()
        seen.append(job["progress"])
        if job["state"] in ("passed", "failed"):
            return job, seen
        assert job["state"] == "running", job
        assert time.monotonic() < deadline, job
        time.sleep(0.2)


def _serving(c: TestClient, build: str, timeout: float = 10) -> float:
    started = time.monotonic()
    while c.get("/api/admin/index", headers=ADMIN).json()["serving_build"] != build:
        assert time.monotonic() - started < timeout, f"{build} never served"
        time.sleep(0.05)
    return time.monotonic() - started


def test_every_admin_route_needs_the_admin_key(app: FastAPI) -> None:
    with TestClient(app) as c:
        for method, path in ROUTES:
            for headers in ({}, {"X-API-Key": "widget-key"}, {"X-Admin-Key": "wrong"}):
                r = c.request(method, path, headers=headers)
                assert r.status_code == 401, (method, path, headers, r.text)
                assert r.json()["error"]["type"] == "unauthorized"


def test_publish_from_the_api_switches_the_server_and_rolls_back(
    app: FastAPI, add_phrasing: AddPhrasing
) -> None:
    data: Path = app.state.settings.data_dir
    index: Path = app.state.settings.index_dir
    with TestClient(app) as c:
        _ready(c)
        old = read_current(index)
        assert old is not None
        assert c.get("/api/admin/publish", headers=ADMIN).json()["state"] == "idle"
        status = c.get("/api/admin/index", headers=ADMIN).json()
        assert status["serving_build"] == status["current_build"] == old and status["data_changed"] is False

        add_phrasing(data, 46, "稼働率の保証値はどこで確認できる？")
        started = c.post("/api/admin/publish", headers=ADMIN)
        assert started.status_code == 202 and started.json()["state"] == "running"
        again = c.post("/api/admin/publish", headers=ADMIN)
        assert again.status_code == 409 and again.json()["error"]["type"] == "conflict"

        job, seen = _finish(c)
        assert job["state"] == "passed" and job["published"] is True, job["message"]
        assert job["id"] == started.json()["id"] and job["previous"] == old and job["build"] != old
        assert seen == sorted(seen) and seen[-1] == 1.0
        assert len(job["metrics"]) == 16 and all(m["ok"] for m in job["metrics"])
        assert set(job["metrics"][0]) >= {"name", "value", "floor", "ok"}
        _serving(c, job["build"])
        assert (
            c.post("/api/chat", json={"question": "SLAは？"}, headers={"X-API-Key": "widget-key"}).json()[
                "build"
            ]
            == job["build"]
        )

        back = c.post("/api/admin/publish/rollback", headers=ADMIN)
        assert back.status_code == 200 and back.json() == {
            **back.json(),
            "rolled_back": job["build"],
            "current": old,
        }
        _serving(c, old)
        status = c.get("/api/admin/index", headers=ADMIN).json()
        assert status["data_changed"] is True  # data/ holds the phrasing the rolled-back build had


def test_a_refused_publish_names_the_metric_and_keeps_the_build(app: FastAPI) -> None:
    data: Path = app.state.settings.data_dir
    index: Path = app.state.settings.index_dir
    with TestClient(app) as c:
        _ready(c)
        old = read_current(index)
        # Each entry takes the previous entry's question and phrasings: a question now leads to
        # the neighbouring number. (enrichment.jsonl emptied, or the merge would put them back.)
        rows = [json.loads(x) for x in (data / "faq.jsonl").read_text("utf-8").splitlines() if x.strip()]
        moved = ("question", "alt_questions")
        shifted = [{**r, **{k: rows[i - 1][k] for k in moved}} for i, r in enumerate(rows)]
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in shifted)
        (data / "faq.jsonl").write_text(body, encoding="utf-8")
        (data / "enrichment.jsonl").write_text("", encoding="utf-8")

        assert c.post("/api/admin/publish", headers=ADMIN).status_code == 202
        job, _ = _finish(c)
        assert job["state"] == "failed" and job["published"] is False and job["step"] == "refused"
        fell = [m for m in job["metrics"] if not m["ok"]]
        assert fell and all(m["value"] < m["floor"] for m in fell)
        assert any(m["name"] in job["message"] for m in fell)
        assert read_current(index) == old
        time.sleep(2 * app.state.settings.index_poll_seconds)
        assert c.get("/api/admin/index", headers=ADMIN).json()["serving_build"] == old
