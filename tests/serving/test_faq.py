"""GET /api/faq and /api/faq/{no}."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.engine import Engine


def test_list_has_every_entry_in_order(client: TestClient, engine: Engine) -> None:
    entries = client.get("/api/faq").json()
    assert [e["no"] for e in entries] == sorted(engine.entries)
    assert len(entries) == 48
    assert entries[16]["question"] == engine.entry(17).question
    assert entries[16]["link"].endswith("17")


def test_list_by_category(client: TestClient, engine: Engine) -> None:
    entries = client.get("/api/faq", params={"category": "その他"}).json()
    assert entries and {e["category"] for e in entries} == {"その他"}
    assert client.get("/api/faq", params={"category": "水道料金"}).status_code == 422


def test_list_is_paged_with_the_total_in_a_header(client: TestClient, engine: Engine) -> None:
    first = client.get("/api/faq", params={"limit": 20})
    second = client.get("/api/faq", params={"offset": 20, "limit": 20})
    last = client.get("/api/faq", params={"offset": 40, "limit": 20})
    numbers = [e["no"] for page in (first, second, last) for e in page.json()]
    assert numbers == sorted(engine.entries)
    assert first.headers["x-total-count"] == "48" and len(last.json()) == 8
    in_category = client.get("/api/faq", params={"category": "その他", "limit": 1})
    assert len(in_category.json()) == 1
    others = sum(e.category == "その他" for e in engine.entries.values())
    assert int(in_category.headers["x-total-count"]) == others
    assert client.get("/api/faq", params={"limit": 0}).status_code == 422
    assert client.get("/api/faq", params={"offset": -1}).status_code == 422


def test_entry_has_the_full_answer(client: TestClient, engine: Engine) -> None:
    body = client.get("/api/faq/22").json()
    entry = engine.entry(22)
    assert body["no"] == 22 and body["category"] == entry.category == "基本サービス"
    assert body["question"] == entry.question and body["answer"] == entry.answer
    assert "<p>" not in body["answer"]


@pytest.mark.parametrize("no", ["0", "49", "-1", "999999"])
def test_unknown_number_is_404_with_a_clear_message(client: TestClient, no: str) -> None:
    r = client.get(f"/api/faq/{no}")
    assert r.status_code == 404
    error = r.json()["error"]
    assert error["type"] == "not_found"
    assert f"No.{no}" in error["message"] and "1–48" in error["message"]


@pytest.mark.parametrize("no", ["abc", "1.5", "17a", "%E5%8D%81"])
def test_non_integer_is_422(client: TestClient, no: str) -> None:
    r = client.get(f"/api/faq/{no}")
    assert r.status_code == 422
    assert "no: Input should be a valid integer" in r.json()["error"]["message"]
