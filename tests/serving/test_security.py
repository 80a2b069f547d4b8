"""API key, CORS and the per-client rate limit, on the real app."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

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
