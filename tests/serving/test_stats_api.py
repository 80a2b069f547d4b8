"""GET /api/admin/stats behind the admin key, and `faqbot stats --json` giving the same figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.engine import Engine
from bot.settings import ROOT

ADMIN = {"X-Admin-Key": "stats-admin"}
QUESTIONS = [
    "仮想サーバのディスク容量を増やしたい",
    "VMのメモリを増やしたい",
    "駅前でおいしいラーメン屋を教えて",
    "駅前でおいしいラーメン屋を教えて？",
    "What is the SLA of the platform?",
]


@pytest.fixture
def admin_client(make_app: Callable[..., FastAPI]) -> Iterator[TestClient]:
    with TestClient(make_app(admin_key="stats-admin", api_key="widget-key")) as c:
        yield c


def ask_all(client: TestClient) -> list[str]:
    ids = []
    for question in QUESTIONS:
        r = client.post("/api/chat", json={"question": question}, headers={"X-API-Key": "widget-key"})
        assert r.status_code == 200, r.text
        ids.append(r.json()["request_id"])
    return ids


def test_figures_of_real_traffic(admin_client: TestClient, engine: Engine) -> None:
    ids = ask_all(admin_client)
    rating = {"request_id": ids[0], "rating": "up"}
    admin_client.post("/api/feedback", json=rating, headers={"X-API-Key": "widget-key"})
    r = admin_client.get("/api/admin/stats?days=7", headers=ADMIN)
    assert r.status_code == 200, r.text
    stats = r.json()
    today = datetime.now(UTC).date().isoformat()
    assert stats["until"] == today and len(stats["per_day"]) == 7 and stats["per_day"][-1]["day"] == today
    totals = stats["totals"]
    assert (totals["questions"], totals["answered"], totals["abstained"]) == (5, 3, 2)
    assert stats["per_day"][-1]["outcomes"] == totals
    assert (stats["ratings"]["up"], stats["ratings"]["up_rate"]) == (1, 1.0)
    cited = {e["no"]: e for e in stats["top_cited"]}
    assert {17, 18} <= set(cited) and cited[17]["question"] == engine.entry(17).question
    assert stats["top_unanswered"][0]["count"] == 2  # the two spellings of one question
    assert {x["language"] for x in stats["by_language"]} == {"ja", "en"}


def test_every_stats_route_needs_the_admin_key(admin_client: TestClient) -> None:
    for headers in ({}, {"X-Admin-Key": "wrong"}, {"X-API-Key": "widget-key"}):
        r = admin_client.get("/api/admin/stats", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["type"] == "unauthorized", headers
    # The page itself is public; it asks for the key.
    page = admin_client.get("/desk/stats")
    assert page.status_code == 200 and 'id="admin-key"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_days_out_of_range_is_422(admin_client: TestClient) -> None:
    for days in ("0", "367", "x"):
        r = admin_client.get(f"/api/admin/stats?days={days}", headers=ADMIN)
        assert r.status_code == 422, days


def faqbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # Run beside the database, away from any .env of the repo.
    cwd = Path(env["FAQBOT_FEEDBACK_DB"]).parent
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=120, cwd=cwd
    )


def test_cli_prints_the_same_figures(admin_client: TestClient) -> None:
    ask_all(admin_client)
    db: Path = admin_client.app.state.settings.feedback_db  # type: ignore[attr-defined]
    api = admin_client.get("/api/admin/stats?days=3", headers=ADMIN).json()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(FAQBOT_FEEDBACK_DB=str(db), FAQBOT_DATA_DIR=str(ROOT / "data"), PYTHONIOENCODING="utf-8")
    run = faqbot(env, "stats", "--json", "--days", "3")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == api
    text = faqbot(env, "stats")
    assert text.returncode == 0 and "5 questions" in text.stdout and "top unanswered" in text.stdout

    gone = faqbot({**env, "FAQBOT_FEEDBACK_DB": str(db.parent / "none.sqlite3")}, "stats")
    assert gone.returncode == 1 and "no feedback database" in gone.stderr
