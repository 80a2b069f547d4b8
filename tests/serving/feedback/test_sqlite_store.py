"""The SQLite feedback store on its own: schema, WAL, upsert, unknown ids, export formats."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from bot.errors import DataError, NotFoundError
from bot.serving.feedback import RequestRecord, SqliteFeedbackStore
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


@pytest.fixture
def store(tmp_path: Path) -> SqliteFeedbackStore:
    s = SqliteFeedbackStore(tmp_path / "nested" / "feedback.sqlite3")
    s.init()
    return s


def test_init_creates_the_file_in_wal_mode_and_is_repeatable(store: SqliteFeedbackStore) -> None:
    store.init()
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_feedback_joins_its_request(store: SqliteFeedbackStore) -> None:
    store.record_request(record("r1"))
    store.record_request(record("r2", mode="abstain", citations=(), suggestions=(4, 34)))
    store.add_feedback("r2", "down", "違う", "2026-04-01T00:01:00+00:00")
    store.add_feedback("r1", "up", None, "2026-04-01T00:02:00+00:00")
    rows = list(store.feedback_rows())
    assert [(r.request_id, r.rating, r.comment, r.mode) for r in rows] == [
        ("r2", "down", "違う", "abstain"),
        ("r1", "up", None, "extractive"),
    ]
    assert rows[0].suggestions == (4, 34) and rows[1].citations == (46,)


def test_unknown_request_raises_not_found(store: SqliteFeedbackStore) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        store.add_feedback("nope", "up", None, "t")


def test_request_ids_are_unique(store: SqliteFeedbackStore) -> None:
    store.record_request(record("r1"))
    with pytest.raises(sqlite3.IntegrityError):
        store.record_request(record("r1"))


def test_unwritable_path_is_a_data_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DataError, match="FAQBOT_FEEDBACK_DB"):
        SqliteFeedbackStore(blocker / "feedback.sqlite3").init()


def test_export_formats(store: SqliteFeedbackStore) -> None:
    store.record_request(record("r1", question='改行\nと"引用"', citations=(17, 18)))
    store.add_feedback("r1", "up", "good, really", "t")
    out = io.StringIO()
    assert write_rows(store.feedback_rows(), out, "csv") == 1
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert (
        row["question"] == '改行\nと"引用"'
        and row["citations"] == "17 18"
        and row["comment"] == "good, really"
    )
    out = io.StringIO()
    write_rows(store.feedback_rows(), out, "jsonl")
    assert json.loads(out.getvalue())["citations"] == [17, 18]
