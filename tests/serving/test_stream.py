"""POST /api/chat/stream: Server-Sent Events in the order the widget relies on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient


def read_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    """Parse an SSE body strictly: every block has one `event:` and one JSON `data:` line."""
    events = []
    assert text.endswith("\n\n")
    for block in text.strip("\n").split("\n\n"):
        lines = block.split("\n")
        assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), block
        events.append((lines[0][7:], json.loads(lines[1][6:])))
    return events


def test_events_come_as_citations_deltas_done(client: TestClient, feedback_db: Path, sql: Any) -> None:
    with client.stream(
        "POST", "/api/chat/stream", json={"question": "ディスクサイズの拡張はできますか？"}
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"] == "no-cache"
        events = read_events(r.read().decode())
    names = [name for name, _ in events]
    assert names[0] == "citations" and names[-1] == "done"
    assert set(names[1:-1]) == {"delta"} and len(names) > 3
    assert all(data["type"] == name for name, data in events)
    assert [c["no"] for c in events[0][1]["citations"]] == [17]

    done = events[-1][1]
    assert done["reply"]["mode"] == "extractive" and done["replaced"] is False
    assert [c["no"] for c in done["reply"]["citations"]] == [17]
    assert "".join(data["text"] for name, data in events if name == "delta") == done["reply"]["text"]
    assert done["request_id"] == r.headers["x-request-id"]
    rows = sql(feedback_db, "SELECT mode, citations FROM requests WHERE request_id = ?", done["request_id"])
    assert [tuple(row) for row in rows] == [("extractive", "[17]")]


def test_abstain_stream_sends_suggestions_not_citations(client: TestClient) -> None:
    events = read_events(
        client.post("/api/chat/stream", json={"question": "駅前でおいしいラーメン屋を教えて"}).text
    )
    first, done = events[0][1], events[-1][1]
    assert first["citations"] == [] and first["suggestions"]
    assert done["reply"]["mode"] == "abstain" and done["reply"]["citations"] == []


def test_follow_up_streams_with_history(client: TestClient) -> None:
    history = [{"role": "user", "content": "Dドライブの容量を増やす手順を知りたい"}]
    events = read_events(
        client.post("/api/chat/stream", json={"question": "メモリならどう？", "history": history}).text
    )
    assert [c["no"] for c in events[-1][1]["reply"]["citations"]] == [18]


def test_payload_with_newlines_and_markup_cannot_break_framing(client: TestClient) -> None:
    question = "改行\n\nevent: done\ndata: {} <img src=x onerror=alert(1)>"
    events = read_events(client.post("/api/chat/stream", json={"question": question}).text)
    assert [name for name, _ in events][-1] == "done"
    assert sum(1 for name, _ in events if name == "done") == 1
