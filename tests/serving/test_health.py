"""/healthz, /readyz, /docs, background loading and the atomic engine swap."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.serving import create_app
from bot.serving.runtime import reload_runtime
from bot.settings import Settings

AppFactory = Callable[..., FastAPI]


def test_probes_on_a_loaded_app(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "entries": None, "detail": None}
    assert client.get("/readyz").json()["entries"] == 48


def test_docs_page_needs_no_network(client: TestClient) -> None:
    """The platform's servers cannot reach a CDN: every asset /docs loads must come from us."""
    import re

    html = client.get("/docs").text
    urls = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", html) + re.findall(r"url: ?'([^']+)'", html)
    assets = [u for u in urls if u.endswith((".js", ".css", ".png"))]
    assert assets, html
    for url in assets:
        assert url.startswith("/"), f"/docs loads {url} from outside"
        assert client.get(url).status_code == 200, url


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    assert "text/html" in client.get("/docs").headers["content-type"]
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/chat",
        "/api/chat/stream",
        "/api/draft",
        "/api/faq",
        "/api/faq/{no}",
        "/api/feedback",
        "/v1/chat/completions",
        "/v1/models",
        "/healthz",
        "/readyz",
    ):
        assert path in paths, path


def test_engine_loads_in_the_background(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings.model_copy(update={"feedback_db": tmp_path / "f.sqlite3"}))
    with TestClient(app) as c:
        assert c.get("/healthz").status_code == 200  # at once, whatever the loader is doing
        deadline = time.monotonic() + 120
        while (r := c.get("/readyz")).status_code == 503:
            assert r.json()["status"] == "loading" and r.headers["retry-after"]
            assert time.monotonic() < deadline, "engine never became ready"
            time.sleep(0.1)
        assert r.json()["status"] == "ok"
        assert c.post("/api/chat", json={"question": "SLAは？"}).status_code == 200


def test_failed_load_is_visible_and_answers_503(settings: Settings, tmp_path: Path) -> None:
    empty = tmp_path / "no-data"
    empty.mkdir()
    # No build to fall back on either (a build answers from its own data snapshot).
    update = {"data_dir": empty, "index_dir": tmp_path / "no-index", "feedback_db": tmp_path / "f.sqlite3"}
    app = create_app(settings.model_copy(update=update))
    with TestClient(app) as c:
        deadline = time.monotonic() + 60
        while (r := c.get("/readyz")).json()["status"] == "loading":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert r.status_code == 503
        assert r.json()["status"] == "error" and "no-data" in r.json()["detail"]
        chat = c.post("/api/chat", json={"question": "SLAは？"})
        assert chat.status_code == 503 and "no-data" in chat.json()["error"]["message"]
        assert c.get("/healthz").status_code == 200


def test_reload_swaps_engine_and_service_together(make_app: AppFactory) -> None:
    app = make_app()
    with TestClient(app) as c:
        before = app.state.runtime
        new = reload_runtime(app)
        assert app.state.runtime is new and new is not before
        assert new.engine is not before.engine and new.service is not before.service
        assert c.post("/api/chat", json={"question": "SLAは？"}).json()["citations"][0]["no"] == 46


def test_failed_reload_keeps_the_running_engine(make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app()
    with TestClient(app) as c:
        before = app.state.runtime
        # A build answers from its own data snapshot, so a vanished data/ no longer breaks a reload;
        # a build that cannot be read does.
        broken = tmp_path / "index" / "build-broken"
        broken.mkdir(parents=True)
        (broken / "meta.json").write_text("{", encoding="utf-8")
        with pytest.raises(Exception, match=r"meta|JSON|Expecting"):
            reload_runtime(app, broken)
        assert app.state.runtime is before
        assert c.get("/readyz").status_code == 200
