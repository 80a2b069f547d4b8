"""The feedback store on both backends: record, rate, replace, export, and its errors."""

from __future__ import annotations

import csv
import io
import json
import socket
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from bot.errors import DataError, NotFoundError
from bot.serving.feedback import RequestRecord, SqlFeedbackStore, database_url
from bot.serving.feedback.export import write_rows


def record(rid: str, **kw: object) -> RequestRecord:
    values: dict[str, object] = {
        "request_id": rid,
        "kind": "chat",
        "question": "SLAは？",
        "reply": "… [No.46]",
        "mode": "extractive",
        "citations": (46,),
        "confidence": 0.9,
        "created_at": "2026-04-01T00:00:00+00:00",
    }
    values.update(kw)
    return RequestRecord.model_validate(values)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # closed again: nothing listens there


def test_round_trip_record_rate_export(store: SqlFeedbackStore) -> None:
    store.record_request(record("r1"))
    store.record_request(record("r2", mode="abstain", citations=(), suggestions=(4, 34), confidence=0.125))
    store.record_request(record("r3"))  # answered, never rated: not exported
    store.add_feedback("r2", "down", "違う", "2026-04-01T00:01:00+00:00")
    store.add_feedback("r1", "up", None, "2026-04-01T00:02:00+00:00")
    rows = list(store.feedback_rows())
    assert [(r.request_id, r.rating, r.comment, r.mode, r.kind) for r in rows] == [
        ("r2", "down", "違う", "abstain", "chat"),
        ("r1", "up", None, "extractive", "chat"),
    ]
    assert rows[0].suggestions == (4, 34) and rows[0].citations == () and rows[0].confidence == 0.125
    assert rows[1].citations == (46,) and rows[1].question == "SLAは？" and rows[1].reply == "… [No.46]"
    assert rows[1].asked_at == "2026-04-01T00:00:00+00:00" and rows[1].rated_at.endswith("00:02:00+00:00")


def test_export_is_ordered_by_rated_at_then_request_id(store: SqlFeedbackStore) -> None:
    for rid in ("b", "a", "c"):
        store.record_request(record(rid))
    store.add_feedback("c", "up", None, "2026-04-01T00:00:01+00:00")
    store.add_feedback("b", "up", None, "2026-04-01T00:00:02+00:00")
    store.add_feedback("a", "up", None, "2026-04-01T00:00:02+00:00")
    assert [r.request_id for r in store.feedback_rows()] == ["c", "a", "b"]


def test_unknown_request_raises_not_found(store: SqlFeedbackStore) -> None:
    message = "no answered request with id 'nope': send the request_id returned by /api/chat"
    with pytest.raises(NotFoundError) as caught:
        store.add_feedback("nope", "up", None, "t")
    assert str(caught.value) == message
    assert list(store.feedback_rows()) == []


def test_second_rating_replaces_the_first_and_keeps_the_comment(store: SqlFeedbackStore) -> None:
    store.record_request(record("r1"))
    store.add_feedback("r1", "up", None, "t1")
    store.add_feedback("r1", "down", "手順が古い", "t2")
    store.add_feedback("r1", "up", None, "t3")
    (row,) = store.feedback_rows()
    assert (row.rating, row.comment, row.rated_at) == ("up", "手順が古い", "t3")
    store.add_feedback("r1", "down", "別のコメント", "t4")
    (row,) = store.feedback_rows()
    assert (row.rating, row.comment) == ("down", "別のコメント")


def test_request_ids_are_unique(store: SqlFeedbackStore) -> None:
    store.record_request(record("r1"))
    with pytest.raises(IntegrityError):
        store.record_request(record("r1", question="別の質問"))


def test_ratings_are_only_up_or_down_in_the_schema_too(store: SqlFeedbackStore) -> None:
    store.record_request(record("r1"))
    with pytest.raises(IntegrityError):
        store.add_feedback("r1", "meh", None, "t")  # type: ignore[arg-type]


def test_export_formats(store: SqlFeedbackStore) -> None:
    store.record_request(record("r1", question='改行\nと"引用"', citations=(17, 18)))
    store.add_feedback("r1", "up", "good, really", "t")
    out = io.StringIO()
    assert write_rows(store.feedback_rows(), out, "csv") == 1
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["question"] == '改行\nと"引用"' and row["citations"] == "17 18"
    assert row["comment"] == "good, really"
    out = io.StringIO()
    write_rows(store.feedback_rows(), out, "jsonl")
    assert json.loads(out.getvalue())["citations"] == [17, 18]


def test_sqlite_file_is_wal_with_foreign_keys_and_init_is_repeatable(sqlite_url: str) -> None:
    store = SqlFeedbackStore(sqlite_url)
    store.init()
    store.init()
    path = store.engine.url.database
    assert path is not None and Path(path).is_file()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with store.engine.connect() as conn2:
        assert conn2.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn2.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    store.engine.dispose()


def test_unwritable_sqlite_path_is_a_data_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DataError, match="FAQBOT_FEEDBACK_DB"):
        SqlFeedbackStore(database_url(None, blocker / "feedback.sqlite3")).init()


def test_unreachable_postgres_is_a_data_error_naming_the_setting() -> None:
    url = f"postgresql+psycopg://faqbot:s3cret@127.0.0.1:{closed_port()}/faqbot"
    store = SqlFeedbackStore(url)
    with pytest.raises(DataError, match="FAQBOT_DATABASE_URL") as caught:
        store.init()
    assert "s3cret" not in str(caught.value) and "127.0.0.1" in str(caught.value)
    with pytest.raises(DataError, match="cannot record the request"):
        store.record_request(record("r1"))
