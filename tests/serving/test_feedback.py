"""POST /api/feedback and `faqbot feedback export`: ratings land in SQLite with their context."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

QUESTION = "ポータルのパスワードを失念したのでリセットしてほしい"


def ask(client: TestClient, question: str = QUESTION) -> dict[str, Any]:
    body: dict[str, Any] = client.post("/api/chat", json={"question": question}).json()
    return body


def test_rating_is_stored_with_question_reply_mode_and_citations(
    client: TestClient, feedback_db: Path, sql: Any
) -> None:
    reply = ask(client)
    r = client.post("/api/feedback", json={"request_id": reply["request_id"], "rating": "up"})
    assert r.status_code == 201
    assert r.json() == {"request_id": reply["request_id"], "rating": "up", "stored": True}
    rows = sql(feedback_db, "SELECT * FROM feedback_export WHERE request_id = ?", reply["request_id"])
    assert len(rows) == 1
    row = rows[0]
    assert (row["rating"], row["comment"], row["question"], row["mode"]) == (
        "up",
        None,
        QUESTION,
        "extractive",
    )
    assert row["reply"] == reply["text"]
    assert json.loads(row["citations"]) == [c["no"] for c in reply["citations"]] == [7]
    assert sql(feedback_db, "PRAGMA journal_mode")[0][0] == "wal"


def test_rating_again_replaces_and_keeps_the_comment(client: TestClient, feedback_db: Path, sql: Any) -> None:
    rid = ask(client)["request_id"]
    client.post("/api/feedback", json={"request_id": rid, "rating": "up"})
    client.post("/api/feedback", json={"request_id": rid, "rating": "down", "comment": "手順が古い"})
    client.post("/api/feedback", json={"request_id": rid, "rating": "down"})
    rows = sql(feedback_db, "SELECT rating, comment FROM feedback WHERE request_id = ?", rid)
    assert [tuple(r) for r in rows] == [("down", "手順が古い")]


def test_unknown_request_is_404(client: TestClient) -> None:
    r = client.post("/api/feedback", json={"request_id": "f" * 32, "rating": "up"})
    assert r.status_code == 404
    assert "f" * 32 in r.json()["error"]["message"]


def test_bad_feedback_is_422(client: TestClient) -> None:
    rid = ask(client)["request_id"]
    for body in (
        {"request_id": rid, "rating": "meh"},
        {"request_id": rid, "rating": 1},
        {"request_id": rid},
        {"request_id": rid, "rating": "up", "comment": "x" * 2001},
        {"request_id": rid, "rating": "up", "stars": 5},
        {"request_id": "", "rating": "up"},
    ):
        assert client.post("/api/feedback", json=body).status_code == 422, body


def _export(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAQBOT_FEEDBACK_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "feedback", "export", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_export_csv_and_jsonl(client: TestClient, feedback_db: Path, tmp_path: Path) -> None:
    good, bad = ask(client), ask(client, "駅前でおいしいラーメン屋を教えて")
    client.post("/api/feedback", json={"request_id": good["request_id"], "rating": "up"})
    client.post(
        "/api/feedback", json={"request_id": bad["request_id"], "rating": "down", "comment": "ラーメンは?"}
    )
    ask(client, "回答だけで評価なし")  # answered but not rated: not exported

    done = _export(feedback_db, "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert {(x["request_id"], x["rating"]) for x in lines} == {
        (good["request_id"], "up"),
        (bad["request_id"], "down"),
    }
    by_rating = {x["rating"]: x for x in lines}
    assert by_rating["up"]["citations"] == [7] and by_rating["up"]["question"] == QUESTION
    assert by_rating["down"]["mode"] == "abstain" and by_rating["down"]["comment"] == "ラーメンは?"
    assert by_rating["down"]["suggestions"] == [s["no"] for s in bad["suggestions"]]
    assert "2 ratings exported" in done.stderr

    out = tmp_path / "feedback.csv"
    done = _export(feedback_db, "--format", "csv", "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 2
    assert {r["rating"]: r["citations"] for r in rows}["up"] == "7"
    assert {"question", "reply", "mode", "comment", "rated_at", "asked_at"} <= set(rows[0])


def test_export_without_a_database_says_where_it_looked(tmp_path: Path) -> None:
    done = _export(tmp_path / "missing.sqlite3")
    assert done.returncode == 1
    assert "missing.sqlite3" in done.stderr and "FAQBOT_FEEDBACK_DB" in done.stderr
