"""The OpenAPI contract: schemathesis, with every check, against a real server.

The server runs on real uvicorn with the session engine, an API key (so 401 and the security
schemes are exercised) and no rate limit. Schemathesis runs as its CLI does for anyone checking the
API from outside; any failure or error fails the test and prints the report. Bounded for CI;
`scripts/contract.sh` runs the same test longer (FAQBOT_CONTRACT_EXAMPLES, FAQBOT_CONTRACT_SEED).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.engine import Engine
from bot.serving import create_app
from bot.serving.app import MAX_BODY_BYTES
from bot.serving.schemas import NON_BLANK
from bot.settings import Settings

KEY = "contract-key-0123"
ADMIN_KEY = "contract-admin-key-4567"
EXAMPLES = int(os.environ.get("FAQBOT_CONTRACT_EXAMPLES", "20"))
# Fixed in CI so a red run is reproducible; contract.sh passes "random".
SEED = os.environ.get("FAQBOT_CONTRACT_SEED", "20261202")
# A body over the server's byte limit is refused with 413 whatever its content: JSON Schema cannot
# state a size in bytes (the spec says it in the 413 description), so 413 is a valid answer to
# schema-valid and schema-invalid data alike. Everything else is schemathesis's default.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "413", "429", "5xx"]

[checks.negative_data_rejection]
expected-statuses = [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx",
]
"""


def _schemathesis(url: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--header",
        f"X-API-Key: {KEY}",
        # The admin routes are left to their own tests (tests/serving/test_review_api.py,
        # test_stats_api.py, test_publish_api.py, which check the 401s): publishing rebuilds an
        # index (a minute of CPU a call), and with the admin key sent, schemathesis 4's ignored-auth
        # check reported those routes as open (ST401) on requests that still carried the key.
        "--exclude-path-regex",
        "^/api/admin/",
        "--max-examples",
        str(EXAMPLES),
        # One worker: CPython 3.11.7's ast.parse is not thread-safe ("AST constructor recursion depth
        # mismatch"), and hypothesis calls it while describing strategies.
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
    ]
    if SEED != "random":
        command += ["--seed", SEED]
    # cwd: reports and caches go to the temp dir, not the checkout.
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=1800, check=False)


@pytest.mark.slow
def test_every_operation_keeps_its_openapi_contract(
    settings: Settings, engine: Engine, serve: Callable[..., Any], tmp_path: Path
) -> None:
    # Admin actions write the data folder (accepted phrasings): give them a copy.
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("feedback.sqlite3*"))
    live = settings.model_copy(
        update={
            "api_key": KEY,
            "admin_key": ADMIN_KEY,
            "data_dir": data,
            "rate_limit_per_minute": 0,
            "feedback_db": tmp_path / "feedback.sqlite3",
        }
    )
    with serve(create_app(live, engine=engine)) as url:
        # The spec this server publishes says what it enforces: the key, the limits, the categories.
        spec = httpx.get(f"{url}/openapi.json", timeout=30).json()
        assert {"ApiKey", "Bearer"} <= set(spec["components"]["securitySchemes"])
        question = spec["components"]["schemas"]["ChatRequest"]["properties"]["question"]
        assert question["maxLength"] == live.max_question_chars
        result = _schemathesis(url, tmp_path)
    if log := os.environ.get("FAQBOT_CONTRACT_LOG"):  # contract.sh keeps the whole report
        Path(log).write_text(result.stdout + result.stderr, encoding="utf-8")
    report = result.stdout[-20_000:] + result.stderr[-5_000:]
    assert result.returncode == 0, report
    # Warnings may remain (POST /api/choice needs a request id of an answered reply, which no
    # operation of the spec hands schemathesis); failures may not.
    assert "FAILURES" not in result.stdout and "Tested:" in result.stdout, report


def test_the_spec_refuses_what_the_server_refuses(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    """Settings and data reach the spec: a smaller limit, no key, the loaded categories."""
    app = create_app(
        settings.model_copy(update={"max_question_chars": 50, "feedback_db": tmp_path / "f.sqlite3"}), engine
    )
    with TestClient(app) as c:
        spec = c.get("/openapi.json").json()
        models = spec["components"]["schemas"]
        assert models["ChatRequest"]["properties"]["question"]["maxLength"] == 50
        assert models["DraftRequest"]["properties"]["inquiry"]["maxLength"] == 200
        assert "securitySchemes" not in spec["components"]  # no key set: no 401 to expect
        category = models["ChatRequest"]["properties"]["category"]["anyOf"][0]
        assert category["enum"] == list(engine.categories)
        chat = spec["paths"]["/api/chat"]["post"]["responses"]
        assert {"400", "401", "413", "422", "429", "503"} <= set(chat)
        assert chat["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
        assert f"{MAX_BODY_BYTES} bytes" in chat["413"]["description"]
        # What the spec refuses, the server refuses, and the reverse at the boundary.
        assert c.post("/api/chat", json={"question": "あ" * 51}).status_code == 422
        assert c.post("/api/chat", json={"question": "あ" * 50}).status_code == 200
        assert c.post("/api/chat", json={"question": " " + "あ" * 50}).status_code == 422


def test_the_schemas_non_blank_pattern_is_what_strip_keeps() -> None:
    # The handlers refuse what str.strip() empties; the schema's pattern must refuse exactly that.
    pattern = re.compile(NON_BLANK)
    disagree = [
        hex(c) for c in range(sys.maxunicode + 1) if bool(pattern.match(chr(c))) != bool(chr(c).strip())
    ]
    assert disagree == []


@pytest.mark.parametrize(
    ("messages", "extra", "status"),
    [
        # The question is the last user message; what follows it is not a reason to refuse.
        ([{"role": "user", "content": "SLAは？"}, {"role": "system", "content": "be brief"}], {}, 200),
        ([{"role": "user", "content": [{"type": "text", "text": "SLAは？"}]}], {}, 200),
        ([{"role": "tool"}], {}, 422),  # no user message at all
        ([{"role": "user", "content": " "}, {"role": "user", "content": "SLAは？"}], {}, 422),
        ([{"role": "user", "content": None}, {"role": "user", "content": "SLAは？"}], {}, 422),
        ([{"role": "user", "content": [{"type": "image_url"}, {"type": "text", "text": "SLA"}]}], {}, 422),
        ([{"role": "user", "content": "SLAは？"}], {"stream": "yes"}, 422),  # not coerced to True
        ([{"role": "user", "content": "SLAは？"}], {"temperature": 0.2}, 200),  # unknown fields ignored
    ],
)
def test_openai_requests_obey_the_rules_the_spec_states(
    make_app: Callable[..., Any], messages: list[dict[str, Any]], extra: dict[str, Any], status: int
) -> None:
    with TestClient(make_app()) as c:
        r = c.post("/v1/chat/completions", json={"messages": messages, **extra})
        assert r.status_code == status, r.text
