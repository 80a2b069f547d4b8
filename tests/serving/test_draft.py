"""POST /api/draft: a cited reply draft, paragraph by paragraph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

INQUIRY = (
    "お世話になっております。仮想サーバのディスク容量を変更したいのですが、どのような作業が発生しますか。"
    "また、固定回線を申し込む場合、どの程度の期間が必要でしょうか。よろしくお願いします。"
)


def test_draft_answers_each_question_with_citations(client: TestClient, feedback_db: Path, sql: Any) -> None:
    r = client.post("/api/draft", json={"inquiry": INQUIRY})
    assert r.status_code == 200
    draft = r.json()
    assert len(draft["paragraphs"]) >= 2
    for p in draft["paragraphs"]:
        assert p["inquiry"].strip() and p["inquiry"].strip() in INQUIRY
        for c in p["citations"]:
            assert f"[No.{c['no']}]" in p["text"] and f"[No.{c['no']}]" in draft["text"]
    cited = {c["no"] for c in draft["citations"]}
    assert {17, 33} <= cited
    assert cited == {c["no"] for p in draft["paragraphs"] for c in p["citations"]}
    assert draft["request_id"] == r.headers["x-request-id"]
    rows = sql(feedback_db, "SELECT kind, question FROM requests WHERE request_id = ?", draft["request_id"])
    assert [tuple(row) for row in rows] == [("draft", INQUIRY)]


def test_draft_input_is_checked(client: TestClient) -> None:
    assert client.post("/api/draft", json={"inquiry": "  "}).status_code == 422
    r = client.post("/api/draft", json={"inquiry": "あ" * 4001})
    assert r.status_code == 422 and "limit is 4000" in r.json()["error"]["message"]
    assert client.post("/api/draft", json={"inquiry": INQUIRY, "tone": "formal"}).status_code == 422
    assert client.post("/api/draft", json={"question": INQUIRY}).status_code == 422
