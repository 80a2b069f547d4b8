"""The review queue API on the real app and engine: clusters, accept / gap / dismiss, the admin key."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.settings import ROOT

ADMIN = {"X-Admin-Key": "admin-secret"}
WIDGET_KEY = "widget-key"
CANTEEN = "社員食堂の今日のメニューを教えて"
CANTEEN_TOO = ("社員食堂の今日のメニューを教えてください", "社員食堂の今日のメニューを教えて。")
WEATHER = ("明日の東京の天気は？", "東京の明日の天気を教えてください")
ANSWERED = "仮想サーバのディスク容量を変更したい"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest, ignore=shutil.ignore_patterns("feedback.sqlite3*", "*.tmp"))
    return dest


@pytest.fixture
def admin(make_app: Any, data_dir: Path) -> Iterator[TestClient]:
    app = make_app(admin_key=ADMIN["X-Admin-Key"], api_key=WIDGET_KEY, data_dir=data_dir)
    with TestClient(app, headers={"X-API-Key": WIDGET_KEY}) as c:
        yield c


def ask(c: TestClient, question: str) -> dict[str, Any]:
    r = c.post("/api/chat", json={"question": question})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def abstain(c: TestClient, *questions: str) -> list[str]:
    ids = []
    for q in questions:
        reply = ask(c, q)
        assert reply["mode"] == "abstain", (q, reply["mode"])  # the premise of the test
        ids.append(reply["request_id"])
    return ids


def queue(c: TestClient, **params: str) -> dict[str, Any]:
    r = c.get("/api/admin/review", params=params, headers=ADMIN)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def cluster_of(view: dict[str, Any], request_id: str) -> dict[str, Any]:
    for cluster in view["clusters"]:
        if any(m["request_id"] == request_id for m in cluster["members"]):
            return cluster
    raise AssertionError(f"{request_id} is in no cluster")


def test_abstained_questions_are_clustered_with_counts(admin: TestClient) -> None:
    canteen = abstain(admin, CANTEEN, *CANTEEN_TOO, CANTEEN, CANTEEN, CANTEEN, CANTEEN)
    weather = abstain(admin, *WEATHER)
    view = queue(admin)
    c = cluster_of(view, canteen[0])
    assert c["id"] == f"c-{canteen[0]}"  # named by its earliest member
    assert c["count"] == 7 and c["kinds"] == {"abstain": 7}
    assert {m["request_id"] for m in c["members"]} == set(canteen)
    assert c["examples"] == [CANTEEN, CANTEEN_TOO[1], CANTEEN_TOO[0]]  # most asked, then latest
    assert len(c["nearest"]) == 3 and all(e["question"] and 0 < e["share"] <= 1 for e in c["nearest"])
    assert c["suggested_no"] is None  # abstentions alone suggest no entry
    w = cluster_of(view, weather[0])
    assert w["id"] != c["id"] and w["count"] == 2
    # Newest first: the weather questions came last.
    assert view["clusters"][0]["id"] == w["id"]
    assert view["questions"] == 9 and view["log_questions"] is False and view["retention_days"] == 180
    # More of the same joins the row; the id stays.
    abstain(admin, CANTEEN)
    again = cluster_of(queue(admin), canteen[0])
    assert again["id"] == c["id"] and again["count"] == 8


def test_down_tie_and_choice_kinds_with_filters(make_app: Any, data_dir: Path) -> None:
    # A wide tie margin makes every answered reply a near-tie, so the widget offers a choice.
    app = make_app(admin_key=ADMIN["X-Admin-Key"], data_dir=data_dir, tie_margin=5.0)
    with TestClient(app) as c:
        rated = ask(c, ANSWERED)
        assert rated["mode"] == "extractive"
        r = c.post(
            "/api/feedback", json={"request_id": rated["request_id"], "rating": "down", "comment": "違う手順"}
        )
        assert r.status_code == 201
        picked = ask(c, "固定回線の申し込みにかかる期間")
        offered = [a["no"] for a in picked["alternatives"]]
        assert len(offered) == 2
        r = c.post("/api/choice", json={"request_id": picked["request_id"], "no": offered[1]})
        assert r.status_code == 201, r.text
        (gone,) = abstain(c, CANTEEN)

        view = queue(c)
        down = cluster_of(view, rated["request_id"])
        assert down["kinds"]["down"] == 1 and down["kinds"]["tie"] == 1 and "違う手順" in down["comments"]
        choice = cluster_of(view, picked["request_id"])
        assert choice["kinds"]["choice"] == 1 and choice["suggested_no"] == offered[1]

        assert {cl["id"] for cl in queue(c, kind="down")["clusters"]} == {down["id"]}
        assert {cl["id"] for cl in queue(c, kind="choice")["clusters"]} == {choice["id"]}
        assert cluster_of(queue(c, kind="abstain"), gone)["kinds"] == {"abstain": 1}
        today = _today(c)
        assert len(queue(c, since=today, until=today)["clusters"]) == len(view["clusters"])
        assert queue(c, until="2000-01-01")["clusters"] == []
        assert c.get("/api/admin/review", params={"kind": "nope"}, headers=ADMIN).status_code == 422
        for day in ("0", "2026-4-1", "2026-02-30"):  # a timestamp, a sloppy date, no such day
            r = c.get("/api/admin/review", params={"until": day}, headers=ADMIN)
            assert r.status_code == 422, day
        r = c.get("/api/admin/review", params={"since": "2026-02-01", "until": "2026-01-01"}, headers=ADMIN)
        assert r.status_code == 422 and "swap" in r.json()["error"]["message"]


def _today(c: TestClient) -> str:
    first: str = queue(c)["clusters"][0]["last_asked"]
    return first[:10]


def enrichment(data_dir: Path) -> dict[int, dict[str, Any]]:
    lines = (data_dir / "enrichment.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(x)["no"]: json.loads(x) for x in lines}


def test_accept_writes_enrichment_logs_who_and_leaves_the_queue(
    admin: TestClient, data_dir: Path, sql: Any
) -> None:
    ids = abstain(admin, CANTEEN, CANTEEN_TOO[0], CANTEEN)
    others = abstain(admin, *WEATHER)
    target = cluster_of(queue(admin), ids[0])["id"]
    before = enrichment(data_dir)[12]["alt_questions"]

    r = admin.post(
        f"/api/admin/review/{target}/accept",
        json={"no": 12},
        headers={**ADMIN, "X-Admin-User": quote("田中")},
    )
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["id"] == target and d["action"] == "accept" and d["entry_no"] == 12 and d["actor"] == "田中"
    assert sorted(d["request_ids"]) == sorted(ids)
    assert d["added_phrasings"] == [CANTEEN, CANTEEN_TOO[0]]
    assert enrichment(data_dir)[12]["alt_questions"] == [*before, CANTEEN, CANTEEN_TOO[0]]

    view = queue(admin)
    assert all(not set(ids) & {m["request_id"] for m in cl["members"]} for cl in view["clusters"])
    assert cluster_of(view, others[0])["count"] == 2
    db = admin.app.state.settings.feedback_db  # type: ignore[attr-defined]
    rows = sql(db, "SELECT request_id, action, entry_no, actor FROM review_actions ORDER BY request_id")
    assert sorted(tuple(r) for r in rows) == sorted((i, "accept", 12, "田中") for i in ids)
    log = admin.get("/api/admin/review-log", headers=ADMIN).json()
    assert {(e["request_id"], e["actor"], e["action"]) for e in log} == {(i, "田中", "accept") for i in ids}
    # Decided: the id is gone, and a second accept says so.
    again = admin.post(f"/api/admin/review/{target}/accept", json={"no": 12}, headers=ADMIN)
    assert again.status_code == 404 and "list the queue again" in again.json()["error"]["message"]


def test_accept_for_an_unknown_entry_changes_nothing(admin: TestClient, data_dir: Path) -> None:
    (rid,) = abstain(admin, CANTEEN)
    before = (data_dir / "enrichment.jsonl").read_bytes()
    r = admin.post(f"/api/admin/review/c-{rid}/accept", json={"no": 999}, headers=ADMIN)
    assert r.status_code == 404 and "No.999" in r.json()["error"]["message"]
    assert (data_dir / "enrichment.jsonl").read_bytes() == before
    assert cluster_of(queue(admin), rid)["count"] == 1  # still queued
    for bad in ({}, {"no": 0}, {"no": "12"}, {"no": 12, "extra": 1}):
        assert admin.post(f"/api/admin/review/c-{rid}/accept", json=bad, headers=ADMIN).status_code == 422


def test_gap_shows_in_the_csv_and_dismiss_hides(admin: TestClient) -> None:
    canteen = abstain(admin, CANTEEN, CANTEEN, CANTEEN_TOO[0])
    weather = abstain(admin, *WEATHER)
    view = queue(admin)
    gap = admin.post(f"/api/admin/review/{cluster_of(view, canteen[0])['id']}/gap", headers=ADMIN)
    assert gap.status_code == 200 and gap.json()["action"] == "gap" and gap.json()["actor"] == "admin"
    dismissed = admin.post(f"/api/admin/review/{cluster_of(view, weather[0])['id']}/dismiss", headers=ADMIN)
    assert dismissed.status_code == 200 and len(dismissed.json()["request_ids"]) == 2
    assert queue(admin)["clusters"] == []

    r = admin.get("/api/admin/gaps.csv", headers=ADMIN)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert [(x["question"], x["count"], x["cluster_count"]) for x in rows] == [
        (CANTEEN, "2", "3"),
        (CANTEEN_TOO[0], "1", "3"),
    ]
    assert {x["gap_id"] for x in rows} == {f"c-{canteen[0]}"} and rows[0]["marked_by"] == "admin"
    assert not any(w in r.text for w in WEATHER)  # dismissed is not a gap


def test_one_question_of_a_cluster_can_be_decided_alone(admin: TestClient) -> None:
    ids = abstain(admin, CANTEEN, CANTEEN, CANTEEN)
    r = admin.post(f"/api/admin/review/{ids[0]}/dismiss", headers=ADMIN)
    assert r.status_code == 200 and r.json()["request_ids"] == [ids[0]]
    rest = cluster_of(queue(admin), ids[1])
    assert rest["count"] == 2 and rest["id"] == f"c-{ids[1]}"
    # The old cluster id named a member that is decided now: the page names it by a live member.
    assert admin.post(f"/api/admin/review/c-{ids[0]}/gap", headers=ADMIN).status_code == 404
    r = admin.post(f"/api/admin/review/c-{ids[2]}/gap", headers=ADMIN)  # any member names the cluster
    assert r.status_code == 200 and sorted(r.json()["request_ids"]) == sorted(ids[1:])


def admin_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every /api/admin operation the app documents (its OpenAPI schema), path parameters filled in."""
    paths = client.get("/openapi.json").json()["paths"]
    routes = []
    for path, operations in paths.items():
        if path.startswith("/api/admin"):
            concrete = re.sub(r"\{[^}]+\}", "x", path.replace("{target}", "c-x").replace("{action}", "gap"))
            routes.extend((method.upper(), concrete) for method in operations)
    return sorted(routes)


def test_every_admin_route_is_401_without_the_admin_key(admin: TestClient, make_app: Any) -> None:
    routes = admin_routes(admin)
    paths = {p for _, p in routes}
    assert {"/api/admin/review", "/api/admin/review/c-x/accept", "/api/admin/review/c-x/gap"} <= paths
    assert {"/api/admin/gaps.csv", "/api/admin/review-log"} <= paths
    widget_only = [
        {},
        {"X-Admin-Key": "wrong"},
        {"X-API-Key": WIDGET_KEY},
        {"Authorization": f"Bearer {WIDGET_KEY}"},
        {"X-Admin-Key": WIDGET_KEY},
    ]
    for method, path in routes:
        for headers in widget_only:
            r = admin.request(method, path, headers=headers, json={"no": 1})
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert r.json()["error"]["type"] == "unauthorized"
    # The key opens them (an empty queue is still an answer).
    assert admin.get("/api/admin/review", headers=ADMIN).status_code == 200
    # No admin key configured: closed to everyone, whatever is sent.
    with TestClient(make_app(admin_key=None)) as closed:
        for method, path in admin_routes(closed):
            r = closed.request(method, path, headers=ADMIN, json={"no": 1})
            assert r.status_code == 401 and "FAQBOT_ADMIN_KEY" in r.json()["error"]["message"]


def test_review_page_is_served_with_our_headers(admin: TestClient) -> None:
    r = admin.get("/desk/review")
    assert r.status_code == 200 and "審査キュー" in r.text and "/static/review.js" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert admin.get("/static/review.js").status_code == 200


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_client_addresses_are_stored_nowhere_in_clear(make_app: Any, serve: Any, tmp_path: Path) -> None:
    # A real server on 127.0.0.1, a shared-database-style limiter and every table written once.
    handler = _Lines()
    logging.getLogger("faqbot.access").addHandler(handler)
    db = tmp_path / "private.sqlite3"
    # A database URL makes the rate limiter count in the database too (rate_limits).
    app = make_app(admin_key=ADMIN["X-Admin-Key"], database_url=f"sqlite:///{db}", rate_limit_per_minute=100)
    try:
        with serve(app) as url, httpx.Client(base_url=url, timeout=60) as c:
            rid = c.post("/api/chat", json={"question": CANTEEN}).json()["request_id"]
            c.post("/api/feedback", json={"request_id": rid, "rating": "down", "comment": "違う"})
            c.post(f"/api/admin/review/{rid}/dismiss", headers=ADMIN)
    finally:
        logging.getLogger("faqbot.access").removeHandler(handler)
    assert handler.lines and all("127.0.0.1" not in line for line in handler.lines)
    assert all(re.fullmatch(r"[0-9a-f]{16}", json.loads(line)["client"]) for line in handler.lines)
    assert all(CANTEEN not in line for line in handler.lines)  # FAQBOT_LOG_QUESTIONS is off
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert {"requests", "feedback", "review_actions", "rate_limits"} <= set(tables)
        assert conn.execute("SELECT count(*) FROM rate_limits").fetchone()[0] == 1
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                assert not any("127.0.0.1" in str(value) for value in row), (table, row)
