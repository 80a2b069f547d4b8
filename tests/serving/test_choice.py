"""Near-tie alternatives in /api/chat and the SSE stream, and POST /api/choice into the `choices` table."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.engine import Engine

DISK = "仮想サーバのディスク容量を増やしたい"
OUT_OF_SCOPE = "駅前でおいしいラーメン屋を教えて"
TWO_QUESTIONS = "ディスクは増やせますか。閉域網の申し込み方法は？"


@pytest.fixture
def tie_client(make_app: Callable[..., FastAPI]) -> Iterator[TestClient]:
    """Every answered single question counts as a near-tie: the top two are always offered."""
    with TestClient(make_app(tie_margin=10.0)) as c:
        yield c


def db_of(client: TestClient) -> Path:
    db: Path = client.app.state.settings.feedback_db  # type: ignore[attr-defined]
    return db


def chat(client: TestClient, question: str) -> dict[str, Any]:
    r = client.post("/api/chat", json={"question": question})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_a_near_tie_offers_the_top_two_and_a_pick_is_stored(
    tie_client: TestClient, engine: Engine, sql: Any
) -> None:
    reply = chat(tie_client, DISK)
    top_two = [h.no for h in engine.retrieve(DISK).hits[:2]]
    assert [a["no"] for a in reply["alternatives"]] == top_two
    assert [a["question"] for a in reply["alternatives"]] == [engine.entry(n).question for n in top_two]
    assert all(a["link"].endswith(str(a["no"])) for a in reply["alternatives"])

    rid = reply["request_id"]
    r = tie_client.post("/api/choice", json={"request_id": rid, "no": top_two[1]})
    assert r.status_code == 201, r.text
    assert r.json() == {"request_id": rid, "no": top_two[1], "offered": top_two, "stored": True}
    rows = sql(db_of(tie_client), "SELECT chosen_no, offered FROM choices WHERE request_id = ?", rid)
    assert [(row["chosen_no"], json.loads(row["offered"])) for row in rows] == [(top_two[1], top_two)]

    # Changing one's mind replaces the pick: the last one counts (17.0 is an integer in JSON Schema too).
    again = tie_client.post("/api/choice", json={"request_id": rid, "no": float(top_two[0])})
    assert again.status_code == 201
    rows = sql(db_of(tie_client), "SELECT chosen_no FROM choices WHERE request_id = ?", rid)
    assert [row["chosen_no"] for row in rows] == [top_two[0]]


def test_only_an_offered_entry_of_a_known_request_can_be_picked(tie_client: TestClient, sql: Any) -> None:
    reply = chat(tie_client, DISK)
    offered = {a["no"] for a in reply["alternatives"]}
    other = next(n for n in range(1, 49) if n not in offered)
    r = tie_client.post("/api/choice", json={"request_id": reply["request_id"], "no": other})
    assert r.status_code == 409 and r.json()["error"]["type"] == "not_offered"
    message = r.json()["error"]["message"]
    assert f"No.{other} was not offered" in message and all(f"No.{n}" in message for n in offered)

    r = tie_client.post("/api/choice", json={"request_id": "f" * 32, "no": 17})
    assert r.status_code == 404 and "f" * 32 in r.json()["error"]["message"]
    assert sql(db_of(tie_client), "SELECT count(*) FROM choices")[0][0] == 0


def test_abstentions_and_multi_question_messages_offer_nothing(tie_client: TestClient) -> None:
    assert chat(tie_client, TWO_QUESTIONS)["alternatives"] == []
    reply = chat(tie_client, OUT_OF_SCOPE)
    assert reply["mode"] == "abstain" and reply["alternatives"] == []
    pick = {"request_id": reply["request_id"], "no": reply["suggestions"][0]["no"]}
    r = tie_client.post("/api/choice", json=pick)
    assert r.status_code == 409 and "offered no choice" in r.json()["error"]["message"]


def test_a_margin_of_zero_turns_the_question_off(make_app: Callable[..., FastAPI]) -> None:
    with TestClient(make_app(tie_margin=0.0)) as c:
        reply = chat(c, DISK)
        assert reply["alternatives"] == []
        r = c.post("/api/choice", json={"request_id": reply["request_id"], "no": reply["citations"][0]["no"]})
        assert r.status_code == 409


def test_the_stream_carries_the_alternatives_first_and_last(tie_client: TestClient, engine: Engine) -> None:
    text = tie_client.post("/api/chat/stream", json={"question": DISK}).text
    events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
    top_two = [h.no for h in engine.retrieve(DISK).hits[:2]]
    assert events[0]["type"] == "citations" and [a["no"] for a in events[0]["alternatives"]] == top_two
    assert events[-1]["type"] == "done" and [a["no"] for a in events[-1]["reply"]["alternatives"]] == top_two
    r = tie_client.post("/api/choice", json={"request_id": events[-1]["request_id"], "no": top_two[1]})
    assert r.status_code == 201


def test_bad_choice_bodies_are_422(tie_client: TestClient) -> None:
    rid = chat(tie_client, DISK)["request_id"]
    for body in (
        {"request_id": rid},
        {"request_id": rid, "no": "17"},
        {"request_id": rid, "no": 0},
        {"request_id": rid, "no": 17.5},
        {"request_id": rid, "no": True},
        {"request_id": rid, "no": 17, "comment": "x"},
        {"request_id": "", "no": 17},
        {"no": 17},
    ):
        assert tie_client.post("/api/choice", json=body).status_code == 422, body


def test_the_widget_api_key_guards_choices(make_app: Callable[..., FastAPI]) -> None:
    with TestClient(make_app(tie_margin=10.0, api_key="widget-key")) as c:
        r = c.post("/api/chat", json={"question": DISK}, headers={"X-API-Key": "widget-key"})
        rid, no = r.json()["request_id"], r.json()["alternatives"][1]["no"]
        assert c.post("/api/choice", json={"request_id": rid, "no": no}).status_code == 401
        ok = c.post("/api/choice", json={"request_id": rid, "no": no}, headers={"X-API-Key": "widget-key"})
        assert ok.status_code == 201
