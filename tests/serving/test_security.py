"""API key, admin key, CORS, the per-client rate limit, and what the server lets out, on the real app.

Secrets (keys, the database password) and what users ask never reach the log (with
FAQBOT_LOG_QUESTIONS=false) or an error body: checked on a real `faqbot serve`'s whole output.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.engine import Engine
from bot.settings import Settings

AppFactory = Callable[..., FastAPI]
QUESTION = {"question": "Dドライブの容量を増やす手順を知りたい"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/chat"),
        ("POST", "/api/chat/stream"),
        ("POST", "/api/draft"),
        ("GET", "/api/faq"),
        ("GET", "/api/faq/1"),
        ("POST", "/api/feedback"),
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
    ],
)
def test_api_needs_the_key(make_app: AppFactory, method: str, path: str) -> None:
    with TestClient(make_app(api_key="s3cret-key")) as c:
        r = c.request(method, path, json={})
        assert r.status_code == 401
        assert r.json()["error"]["type"] == "unauthorized"
        assert "X-API-Key" in r.json()["error"]["message"]
        r = c.request(method, path, json={}, headers={"X-API-Key": "wrong"})
        assert r.status_code == 401 and "not valid" in r.json()["error"]["message"]


def test_key_in_header_or_bearer_is_accepted(make_app: AppFactory) -> None:
    with TestClient(make_app(api_key="s3cret-key")) as c:
        assert c.post("/api/chat", json=QUESTION, headers={"X-API-Key": "s3cret-key"}).status_code == 200
        assert c.get("/v1/models", headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
        assert c.get("/v1/models", headers={"Authorization": "Basic s3cret-key"}).status_code == 401


def test_pages_and_probes_need_no_key(make_app: AppFactory) -> None:
    with TestClient(make_app(api_key="s3cret-key")) as c:
        for path in (
            "/",
            "/desk",
            "/widget.js",
            "/widget.css",
            "/static/widget.js",
            "/healthz",
            "/readyz",
            "/docs",
        ):
            assert c.get(path).status_code == 200, path


def test_cors_allowlist(make_app: AppFactory) -> None:
    with TestClient(make_app(cors_origins=["https://vendor.example"])) as c:
        r = c.post("/api/chat", json=QUESTION, headers={"Origin": "https://vendor.example"})
        assert r.headers["access-control-allow-origin"] == "https://vendor.example"
        assert "x-request-id" in r.headers["access-control-expose-headers"].lower()
        r = c.post("/api/chat", json=QUESTION, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
        preflight = c.options(
            "/api/chat/stream",
            headers={
                "Origin": "https://vendor.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-api-key",
            },
        )
        assert preflight.status_code == 200
        assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
        denied = c.options(
            "/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert denied.status_code == 400


def test_cors_default_allows_any_origin(client: TestClient) -> None:
    r = client.get("/api/faq/1", headers={"Origin": "https://anywhere.example"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_rate_limit_answers_429_with_retry_after(make_app: AppFactory) -> None:
    with TestClient(make_app(rate_limit_per_minute=3)) as c:
        for _ in range(3):
            assert c.get("/api/faq/1").status_code == 200
        r = c.post("/api/chat", json=QUESTION, headers={"Origin": "https://vendor.example"})
        assert r.status_code == 429
        assert r.json()["error"]["type"] == "rate_limited"
        # One token comes back every 20 s at 3/minute.
        assert 1 <= int(r.headers["retry-after"]) <= 20
        # The widget on another origin must be able to read the header.
        assert r.headers["access-control-allow-origin"] == "*"
        assert "retry-after" in r.headers["access-control-expose-headers"].lower()
        # Probes and pages are not limited.
        assert c.get("/healthz").status_code == 200 and c.get("/").status_code == 200


def test_rejected_key_does_not_spend_the_budget(make_app: AppFactory) -> None:
    with TestClient(make_app(rate_limit_per_minute=2, api_key="k")) as c:
        for _ in range(5):
            assert c.get("/api/faq/1").status_code == 401
        assert c.get("/api/faq/1", headers={"X-API-Key": "k"}).status_code == 200


def test_pages_forbid_inline_script(client: TestClient) -> None:
    for path in ("/", "/desk"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp


# -- the admin key -------------------------------------------------------------------------------

API_KEY, ADMIN_KEY = "api-key-0123456789", "admin-key-9876543210"


def _admin_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every /api/admin operation the app has now (from its OpenAPI document), path parameters
    filled with a placeholder: routes added later are checked without touching this test."""
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/admin")
        for method in operations
    ]


def test_every_admin_route_needs_the_admin_key(make_app: AppFactory) -> None:
    app = make_app(api_key=API_KEY, admin_key=ADMIN_KEY)
    routes = _admin_routes(app)
    assert ("GET", "/api/admin/review") in routes and ("POST", "/api/admin/publish") in routes
    with TestClient(app) as c:
        for method, path in routes:
            for headers in (
                {},
                {"X-Admin-Key": "wrong"},
                {"X-Admin-Key": ADMIN_KEY[:-1]},  # a prefix
                {"X-Admin-Key": ADMIN_KEY + "0"},
                {"X-Admin-Key": ADMIN_KEY.upper()},
                {"X-Admin-Key": API_KEY},  # the widget's key opens nothing here
                {"X-API-Key": ADMIN_KEY, "Authorization": f"Bearer {ADMIN_KEY}"},
                {"X-Admin-Key": "ключ".encode()},  # not even UTF-8 as the server reads headers
            ):
                r = c.request(method, path, headers=headers, json={})
                assert r.status_code == 401, (method, path, headers, r.text)
                assert r.json()["error"]["type"] == "unauthorized"
                assert ADMIN_KEY not in r.text and API_KEY not in r.text
        for method, path in routes:
            if method == "GET":
                r = c.get(path, headers={"X-Admin-Key": ADMIN_KEY})
                assert r.status_code != 401, (path, r.text)


def test_admin_routes_are_closed_without_a_configured_key(make_app: AppFactory) -> None:
    app = make_app()
    with TestClient(app) as c:
        for method, path in _admin_routes(app):
            r = c.request(method, path, headers={"X-Admin-Key": ""}, json={})
            assert r.status_code == 401 and "FAQBOT_ADMIN_KEY" in r.json()["error"]["message"]


def test_the_admin_key_is_not_an_api_key(make_app: AppFactory) -> None:
    with TestClient(make_app(api_key=API_KEY, admin_key=ADMIN_KEY)) as c:
        assert c.post("/api/chat", json=QUESTION, headers={"X-API-Key": ADMIN_KEY}).status_code == 401
        assert c.post("/api/chat", json=QUESTION, headers={"X-API-Key": API_KEY[:-1]}).status_code == 401
        r = c.post("/api/chat", json=QUESTION, headers={"X-API-Key": "ключ".encode()})
        assert r.status_code == 401


def test_keys_are_compared_in_constant_time() -> None:
    # Timing cannot be measured reliably on a shared machine; the code must use hmac.compare_digest.
    import inspect

    from bot.serving import admin, deps

    for module in (deps, admin):
        source = inspect.getsource(module)
        assert "hmac.compare_digest(" in source and "== settings." not in source


# -- CORS on every answer --------------------------------------------------------------------------


def test_a_disallowed_origin_gets_no_cors_headers_even_on_errors(make_app: AppFactory) -> None:
    evil = {"Origin": "https://evil.example"}
    with TestClient(make_app(cors_origins=["https://vendor.example"], api_key=API_KEY)) as c:
        key = {"X-API-Key": API_KEY, **evil}
        answers = [
            c.post("/api/chat", json=QUESTION, headers=evil),  # 401
            c.post("/api/chat", json={"question": ""}, headers=key),  # 422
            c.post("/api/chat", content=b"x" * (300 * 1024), headers=key),  # 413
            c.post("/api/chat/stream", json=QUESTION, headers=key),  # 200, SSE
            c.get("/api/faq/999", headers=key),  # 404
            c.options("/api/chat", headers={**evil, "Access-Control-Request-Method": "POST"}),
        ]
        assert [r.status_code for r in answers] == [401, 422, 413, 200, 404, 400]
        for r in answers:
            assert not [h for h in r.headers if h.lower().startswith("access-control-")], r.headers
        ok = c.post("/api/chat", json={"question": ""}, headers={**key, "Origin": "https://vendor.example"})
        assert ok.headers["access-control-allow-origin"] == "https://vendor.example"


def test_the_rate_limit_counts_every_api_route_together(make_app: AppFactory) -> None:
    with TestClient(make_app(rate_limit_per_minute=3)) as c:
        assert c.post("/api/chat", json=QUESTION).status_code == 200
        assert c.post("/api/chat/stream", json=QUESTION).status_code == 200
        body = {"model": "faqbot", "messages": [{"role": "user", "content": QUESTION["question"]}]}
        assert c.post("/v1/chat/completions", json=body).status_code == 200
        for method, path, payload in (
            ("POST", "/api/chat", QUESTION),
            ("POST", "/api/chat/stream", QUESTION),
            ("POST", "/v1/chat/completions", body),
            ("POST", "/api/feedback", {"request_id": "x", "rating": "up"}),
        ):
            r = c.request(method, path, json=payload)
            assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1, (path, r.text)


# -- what the server writes down ------------------------------------------------------------------

SECRETS = {
    "FAQBOT_API_KEY": "api-key-LOGCHECK-5e1f",
    "FAQBOT_ADMIN_KEY": "admin-key-LOGCHECK-8c2d",
    "FAQBOT_LLM_API_KEY": "llm-key-LOGCHECK-3b7a",
    "FAQBOT_HASH_SECRET": "hash-secret-LOGCHECK-9d4e",
}
DB_PASSWORD = "db-password-LOGCHECK-6a0c"
WRONG_KEY = "wrong-key-LOGCHECK-1f9b"
ASKED = "Dドライブの容量を増やす手順を知りたい 社内案件ZQX7について"
COMMENT = "コメントZQX8の中身"


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
def test_no_secret_key_or_question_in_the_log_or_an_error_body(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    """A real `faqbot serve` with every secret set and FAQBOT_LOG_QUESTIONS=false, driven through
    good and bad requests, a database that is down and an LLM that fails (one quoting the prompt
    back); then its whole output and every error body are searched for the secrets and the texts."""
    from answering.scripted_llm import Scripted, ScriptedLLM

    from serving.faults.processes import faqbot_serve

    good = "ディスク拡張時はサーバの停止・起動が伴います。[No.17]"
    bodies: list[str] = []
    with ScriptedLLM() as llm:
        env = {
            **SECRETS,
            "FAQBOT_DATA_DIR": str(settings.data_dir),
            "FAQBOT_INDEX_DIR": str(settings.index_dir),
            # Down, so every write fails and says so in the log: with the URL, never the password.
            "FAQBOT_DATABASE_URL": f"postgresql://faqbot:{DB_PASSWORD}@127.0.0.1:{_closed_port()}/faqbot",
            "FAQBOT_LLM_BASE_URL": llm.base_url,
            "FAQBOT_LLM_TIMEOUT": "5",
            "FAQBOT_LOG_QUESTIONS": "false",
            "FAQBOT_RATE_LIMIT_PER_MINUTE": "1000",
            "OMP_NUM_THREADS": "1",
        }
        with faqbot_serve(env, tmp_path / "serve.log") as server, httpx.Client(timeout=30) as http:
            llm.reset()
            key = {"X-API-Key": SECRETS["FAQBOT_API_KEY"]}
            admin = {"X-Admin-Key": SECRETS["FAQBOT_ADMIN_KEY"]}
            question = {"question": ASKED}
            llm.enqueue(Scripted(content=good), Scripted(status=400, echo_prompt=True), Scripted(status=500))
            llm.enqueue(Scripted(chunks=(good,)), Scripted(content=good), Scripted(content=good))
            answers = [
                http.post(f"{server.url}/api/chat", json=question, headers=key),  # llm
                http.post(f"{server.url}/api/chat", json=question, headers=key),  # echoed prompt
                http.post(f"{server.url}/api/chat", json=question, headers=key),  # 500
                http.post(f"{server.url}/api/chat/stream", json=question, headers=key),
                http.post(
                    f"{server.url}/v1/chat/completions",
                    json={"model": "faqbot", "messages": [{"role": "user", "content": ASKED}]},
                    headers={"Authorization": f"Bearer {SECRETS['FAQBOT_API_KEY']}"},
                ),
                http.post(f"{server.url}/api/draft", json={"inquiry": ASKED}, headers=key),
                http.post(f"{server.url}/api/chat", json=question),  # no key
                http.post(f"{server.url}/api/chat", json=question, headers={"X-API-Key": WRONG_KEY}),
                http.post(f"{server.url}/api/chat", json={"question": ASKED * 40}, headers=key),  # too long
                http.post(
                    f"{server.url}/api/chat",
                    content=b'{"question": "' + ASKED.encode(),  # not valid JSON
                    headers={**key, "Content-Type": "application/json"},
                ),
                http.post(
                    f"{server.url}/api/feedback",
                    json={"request_id": "0" * 32, "rating": "down", "comment": COMMENT},
                    headers=key,
                ),  # the database is down: 503
                http.get(f"{server.url}/api/admin/review", headers={"X-Admin-Key": WRONG_KEY}),
                http.get(f"{server.url}/api/admin/review", headers=admin),
            ]
            bodies = [r.text for r in answers]
            statuses = [r.status_code for r in answers]
        output = server.output()
    assert statuses[:6] == [200] * 6 and statuses[6:11] == [401, 401, 422, 400, 503], statuses
    assert statuses[11] == 401 and statuses[12] in (200, 503)
    assert "HTTP 400" in output and "answered but not recorded" in output  # the faults were logged
    assert "faqbot:***@" in output  # where the database is, without its password
    for secret in (*SECRETS.values(), DB_PASSWORD, WRONG_KEY):
        assert secret not in output, secret
        assert not [b for b in bodies if secret in b], secret
    for text in (ASKED, "社内案件ZQX7", COMMENT):
        assert text not in output, text
        assert not [b for s, b in zip(statuses, bodies, strict=True) if s >= 400 and text in b], text
