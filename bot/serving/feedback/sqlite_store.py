"""The SQLite feedback store: one file, WAL mode, one short-lived connection per operation.

A connection per operation keeps request handling stateless and safe across threadpool workers;
WAL lets readers (an export) run while the server writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from bot.errors import DataError, NotFoundError
from bot.serving.feedback.base import FeedbackRow, Rating, RequestRecord

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    request_id  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    question    TEXT NOT NULL,
    reply       TEXT NOT NULL,
    mode        TEXT NOT NULL,
    citations   TEXT NOT NULL,   -- JSON array of FAQ numbers
    suggestions TEXT NOT NULL,   -- JSON array of FAQ numbers
    confidence  REAL NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    request_id  TEXT PRIMARY KEY REFERENCES requests(request_id),
    rating      TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment     TEXT,
    created_at  TEXT NOT NULL
);
CREATE VIEW IF NOT EXISTS feedback_export AS
    SELECT f.request_id, f.rating, f.comment, f.created_at AS rated_at,
           r.kind, r.question, r.reply, r.mode, r.citations, r.suggestions, r.confidence,
           r.created_at AS asked_at
    FROM feedback f JOIN requests r USING (request_id);
"""


class SqliteFeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; avoids an fsync per request
        return conn

    def init(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as conn:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise DataError(
                f"cannot open the feedback database {self.path}: {exc}. "
                "Set FAQBOT_FEEDBACK_DB to a writable path."
            ) from exc

    def record_request(self, record: RequestRecord) -> None:
        with closing(self._connect()) as conn, conn:
            conn.execute(
                "INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.request_id,
                    record.kind,
                    record.question,
                    record.reply,
                    record.mode,
                    json.dumps(list(record.citations)),
                    json.dumps(list(record.suggestions)),
                    record.confidence,
                    record.created_at,
                ),
            )

    def add_feedback(self, request_id: str, rating: Rating, comment: str | None, rated_at: str) -> None:
        with closing(self._connect()) as conn, conn:
            known = conn.execute("SELECT 1 FROM requests WHERE request_id = ?", (request_id,)).fetchone()
            if known is None:
                raise NotFoundError(
                    f"no answered request with id {request_id!r}: send the request_id returned by /api/chat"
                )
            # A second rating replaces the first; a rating without a comment keeps the earlier comment.
            conn.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?) ON CONFLICT (request_id) DO UPDATE SET "
                "rating = excluded.rating, comment = COALESCE(excluded.comment, feedback.comment), "
                "created_at = excluded.created_at",
                (request_id, rating, comment, rated_at),
            )

    def feedback_rows(self) -> Iterator[FeedbackRow]:
        with closing(self._connect()) as conn:
            conn.row_factory = sqlite3.Row
            for row in conn.execute("SELECT * FROM feedback_export ORDER BY rated_at, request_id"):
                data = dict(row)
                data["citations"] = tuple(json.loads(data["citations"]))
                data["suggestions"] = tuple(json.loads(data["suggestions"]))
                yield FeedbackRow(**data)
