"""POST /api/chat against the real app and index: replies, follow-ups, abstention, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.engine import Engine

DISK = "Dドライブの容量を増やす手順を知りたい"


def test_reply_cites_the_entry_and_carries_a_request_id(client: TestClient, engine: Engine) -> None:
    r = client.post("/api/chat", json={"question": DISK})
    assert r.status_code == 200
    body = r.json()
    assert body["mode"] == "extractive"
    assert [c["no"] for c in body["citations"]] == [17]
    cite = body["citations"][0]
    assert cite["question"] == engine.entry(17).question
    assert cite["link"].endswith("17") and isinstance(cite["score"], float)
    assert "[No.17]" in body["text"]
    assert body["suggestions"] == []
    assert 0.0 < body["confidence"] <= 1.0
    assert body["request_id"] == r.headers["x-request-id"]


def test_follow_up_uses_history(client: TestClient) -> None:
    first = client.post("/api/chat", json={"question": DISK}).json()
    history = [{"role": "user", "content": DISK}, {"role": "assistant", "content": first["text"]}]
    follow = client.post("/api/chat", json={"question": "メモリならどう？", "history": history}).json()
    assert [c["no"] for c in follow["citations"]] == [18]
    # Elliptical on its own ("which ID?"): the earlier turn about the portal decides it.
    history = [{"role": "user", "content": "ポータルの利用者情報を更新したい"}]
    follow = client.post("/api/chat", json={"question": "IDのほうは？", "history": history}).json()
    assert [c["no"] for c in follow["citations"]] == [9]


def test_out_of_scope_abstains_with_suggestions_not_citations(client: TestClient) -> None:
    body = client.post("/api/chat", json={"question": "駅前でおいしいラーメン屋を教えて"}).json()
    assert body["mode"] == "abstain"
    assert body["citations"] == []
    assert 1 <= len(body["suggestions"]) <= 3
    assert "[No." not in body["text"]


def test_category_restricts_citations(client: TestClient, engine: Engine) -> None:
    body = client.post(
        "/api/chat", json={"question": "期間はどのくらいですか", "category": "閉域網サービス"}
    ).json()
    cited = [c["no"] for c in body["citations"] + body["suggestions"]]
    assert cited and all(engine.entry(no).category == "閉域網サービス" for no in cited)


def test_unknown_category_is_rejected_with_the_list(client: TestClient) -> None:
    r = client.post("/api/chat", json={"question": DISK, "category": "水道料金"})
    assert r.status_code == 422
    assert "閉域網サービス" in r.json()["error"]["message"]


def test_reply_is_recorded_for_feedback(client: TestClient, feedback_db: Path, sql: Any) -> None:
    body = client.post("/api/chat", json={"question": DISK}).json()
    rows = sql(feedback_db, "SELECT * FROM requests WHERE request_id = ?", body["request_id"])
    assert len(rows) == 1
    assert rows[0]["question"] == DISK and rows[0]["reply"] == body["text"]
    assert rows[0]["mode"] == "extractive" and rows[0]["citations"] == "[17]"


TOO_MANY_TURNS = [{"role": "user", "content": "a"}] * 21
BAD_BODIES: list[tuple[str, Any, int, str]] = [
    ("empty question", {"question": ""}, 422, "empty"),
    ("whitespace question", {"question": " \n\u3000 "}, 422, "empty"),
    ("question too long", {"question": "あ" * 1001}, 422, "limit is 1000"),
    ("question not a string", {"question": 17}, 422, "question: Input should be a valid string"),
    ("question null", {"question": None}, 422, "question"),
    ("question missing", {"history": []}, 422, "question: required field is missing"),
    ("unknown field", {"question": DISK, "top_k": 3}, 422, "top_k: unknown field"),
    ("history not a list", {"question": DISK, "history": "前の質問"}, 422, "history"),
    (
        "history role",
        {"question": DISK, "history": [{"role": "system", "content": "x"}]},
        422,
        "history.0.role",
    ),
    (
        "history turn extra",
        {"question": DISK, "history": [{"role": "user", "content": "x", "n": 1}]},
        422,
        "history.0.n",
    ),
    ("history too long", {"question": DISK, "history": TOO_MANY_TURNS}, 422, "history"),
    (
        "user turn too long",
        {"question": DISK, "history": [{"role": "user", "content": "あ" * 1001}]},
        422,
        "history.0",
    ),
    ("body is a list", [DISK], 422, "valid dictionary"),
]


@pytest.mark.parametrize(("case", "body", "status", "needle"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_bad_input_gets_a_4xx_that_says_what_is_wrong(
    client: TestClient, case: str, body: Any, status: int, needle: str
) -> None:
    for path in ("/api/chat", "/api/chat/stream"):
        r = client.post(path, json=body)
        assert r.status_code == status, (path, r.text)
        assert r.headers["content-type"].startswith("application/json")
        error = r.json()["error"]
        assert needle in error["message"], error
        assert error["request_id"] == r.headers["x-request-id"]


def test_invalid_json_and_oversized_bodies(client: TestClient) -> None:
    r = client.post("/api/chat", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "invalid_json"
    r = client.post("/api/chat", content=b"question=hi", headers={"content-type": "text/plain"})
    assert r.status_code in (400, 422)
    r = client.post(
        "/api/chat", json={"question": "あ" * 200_000}, headers={"Origin": "https://vendor.example"}
    )
    assert r.status_code == 413
    assert "limit" in r.json()["error"]["message"]
    assert r.headers["access-control-allow-origin"] == "*"  # readable by a widget on another origin

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted while it is read
        yield b'{"question": "'
        yield from [b"a" * 10_000] * 40
        yield b'"}'

    r = client.post("/api/chat", content=chunked(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["type"] == "too_large"


def test_wrong_method_and_unknown_path_are_json(client: TestClient) -> None:
    r = client.get("/api/chat")
    assert r.status_code == 405 and r.json()["error"]["type"] == "method_not_allowed"
    r = client.get("/api/nothing")
    assert r.status_code == 404 and "/api/nothing" in r.json()["error"]["message"]


def test_worker_survives_bad_input(client: TestClient) -> None:
    for body in BAD_BODIES:
        client.post("/api/chat", json=body[1])
    assert client.post("/api/chat", json={"question": DISK}).status_code == 200
