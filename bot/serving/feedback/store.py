"""The feedback store on SQLAlchemy Core: one implementation for SQLite and PostgreSQL.

Each operation borrows a pooled connection for one short transaction, so request handling stays
stateless and safe across the threadpool and across worker processes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, Result, RowMapping, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.errors import DatabaseUnavailableError, DataError, NotFoundError
from bot.serving.feedback.base import FeedbackRow, Rating, RequestRecord
from bot.serving.feedback.database import (
    describe,
    first_line,
    make_engine,
    setting_name,
    unavailable_as_data_error,
    upsert_into,
)
from bot.serving.feedback.migrate import upgrade
from bot.serving.feedback.tables import feedback, feedback_export, requests


class SqlFeedbackStore:
    """Pass a URL (see `database.database_url`) or an engine to share with the rate limiter."""

    def __init__(self, url_or_engine: str | Engine) -> None:
        self.engine = make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
        self._migrated = False

    def init(self) -> None:
        upgrade(self.engine)
        self._migrated = True

    def _ensure_schema(self, doing: str) -> None:
        # A server that started while the database was down or read-only migrates on the first
        # write that finds it back, instead of failing on missing tables until a restart.
        if not self._migrated:
            try:
                self.init()
            except DataError as exc:
                raise DatabaseUnavailableError(f"cannot {doing}: {exc}") from exc

    def record_request(self, record: RequestRecord) -> None:
        self._ensure_schema("record the request")
        with unavailable_as_data_error(self.engine, "record the request"), self.engine.begin() as conn:
            conn.execute(
                requests.insert().values(
                    request_id=record.request_id,
                    kind=record.kind,
                    question=record.question,
                    reply=record.reply,
                    mode=record.mode,
                    citations=json.dumps(list(record.citations)),
                    suggestions=json.dumps(list(record.suggestions)),
                    confidence=record.confidence,
                    created_at=record.created_at,
                    language=record.language,
                    build_id=record.build_id,
                    top_entries=json.dumps([list(t) for t in record.top_entries]),
                    margin=record.margin,
                )
            )

    def add_feedback(self, request_id: str, rating: Rating, comment: str | None, rated_at: str) -> None:
        self._ensure_schema("store the rating")
        with unavailable_as_data_error(self.engine, "store the rating"), self.engine.begin() as conn:
            known = conn.execute(select(requests.c.request_id).where(requests.c.request_id == request_id))
            if known.first() is None:
                raise NotFoundError(
                    f"no answered request with id {request_id!r}: send the request_id returned by /api/chat"
                )
            insert = upsert_into(conn, feedback).values(
                request_id=request_id, rating=rating, comment=comment, created_at=rated_at
            )
            # A second rating replaces the first; a rating without a comment keeps the earlier comment.
            conn.execute(
                insert.on_conflict_do_update(
                    index_elements=[feedback.c.request_id],
                    set_={
                        "rating": insert.excluded.rating,
                        "comment": func.coalesce(insert.excluded.comment, feedback.c.comment),
                        "created_at": insert.excluded.created_at,
                    },
                )
            )

    def feedback_rows(self) -> Iterator[FeedbackRow]:
        """Every rating with its request, oldest first. The query runs now, so a missing database
        or schema raises DataError here, before the caller writes anything; rows then stream."""
        query = select(feedback_export).order_by(feedback_export.c.rated_at, feedback_export.c.request_id)
        with unavailable_as_data_error(self.engine, "read the ratings"):
            conn = self.engine.connect()
        try:
            # yield_per streams (a server-side cursor on PostgreSQL): an export never loads every row.
            result = conn.execution_options(yield_per=500).execute(query)
        except (OperationalError, ProgrammingError) as exc:
            conn.close()
            # Most often a database the server never started on, so the view is not there yet.
            raise DataError(
                f"cannot read the ratings from {describe(self.engine)}: {first_line(exc)}. If it has no "
                "faqbot schema yet, start `faqbot serve` on it once; else check "
                f"{setting_name(self.engine)}."
            ) from exc
        return _stream(conn, result)


def _stream(conn: Connection, result: Result[Any]) -> Iterator[FeedbackRow]:
    with conn:
        for row in result.mappings():
            yield _feedback_row(row)


def _feedback_row(row: RowMapping) -> FeedbackRow:
    data = dict(row)
    data["citations"] = tuple(json.loads(data["citations"]))
    data["suggestions"] = tuple(json.loads(data["suggestions"]))
    return FeedbackRow(**data)
