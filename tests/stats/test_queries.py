"""The usage figures, counted by the database, on both backends."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.serving.feedback import RequestRecord, SqlFeedbackStore
from bot.stats import compute_stats
from bot.stats.queries import MAX_DAYS, TOP_N

TODAY = date(2026, 4, 10)


def add(store: SqlFeedbackStore, rid: str, day: str, **kw: Any) -> None:
    values: dict[str, Any] = {
        "request_id": rid,
        "kind": "chat",
        "question": "SLAは？",
        "reply": "…",
        "mode": "extractive",
        "citations": (46,),
        "created_at": f"{day}T09:30:00.000+00:00",
        "language": "ja",
    }
    values.update(kw)
    store.record_request(RequestRecord.model_validate(values))


@pytest.fixture
def filled(store: SqlFeedbackStore) -> SqlFeedbackStore:
    add(store, "old", "2026-04-07", citations=(1,))  # the day before a 3-day window
    add(store, "a1", "2026-04-08", citations=(17, 18))
    add(store, "a2", "2026-04-08", citations=(17,), language="en")
    add(store, "n1", "2026-04-08", mode="abstain", citations=(), question="水道料金は？")
    add(store, "n2", "2026-04-10", mode="abstain", citations=(), question="水道料金は ?")
    add(store, "n3", "2026-04-10", mode="abstain", citations=(), question="漏水の連絡先", language=None)
    add(store, "fb", "2026-04-10", mode="fallback", citations=(), kind="openai")
    add(store, "l1", "2026-04-10", mode="llm", citations=(18,), kind="openai")
    add(store, "d1", "2026-04-10", kind="draft", citations=(5,))  # a draft: not a question
    add(store, "next", "2026-04-11", citations=(2,))  # after today
    store.add_feedback("a1", "up", None, "2026-04-08T10:00:00+00:00")
    store.add_feedback("a2", "down", "違う", "2026-04-08T10:00:00+00:00")
    store.add_feedback("l1", "up", None, "2026-04-10T10:00:00+00:00")
    store.add_feedback("old", "down", None, "2026-04-07T10:00:00+00:00")
    return store


def test_window_outcomes_ratings_and_days(filled: SqlFeedbackStore) -> None:
    stats = compute_stats(filled.engine, days=3, today=TODAY)
    assert (stats.since, stats.until) == ("2026-04-08", "2026-04-10")
    t = stats.totals
    assert (t.questions, t.answered, t.abstained, t.fallback) == (7, 3, 3, 1)
    assert (t.answered_share, t.abstained_share, t.fallback_share) == (0.4286, 0.4286, 0.1429)
    assert stats.drafts == 1
    assert (stats.ratings.up, stats.ratings.down, stats.ratings.up_rate) == (2, 1, 0.6667)
    assert stats.ratings.rated_share == 0.4286
    days = [(d.day, d.outcomes.answered, d.outcomes.abstained, d.outcomes.fallback) for d in stats.per_day]
    assert days == [("2026-04-08", 2, 1, 0), ("2026-04-09", 0, 0, 0), ("2026-04-10", 1, 2, 1)]


def test_top_cited_counts_each_number_of_each_reply(filled: SqlFeedbackStore) -> None:
    stats = compute_stats(filled.engine, days=3, today=TODAY, titles={17: "ディスク", 18: "CPU"})
    assert [(e.no, e.question, e.count) for e in stats.top_cited] == [(17, "ディスク", 2), (18, "CPU", 2)]
    assert compute_stats(filled.engine, days=3, today=TODAY, top=1).top_cited[0].no == 17  # ties by number


def test_unanswered_are_grouped_by_normalised_text(filled: SqlFeedbackStore) -> None:
    groups = compute_stats(filled.engine, days=3, today=TODAY).top_unanswered
    assert [(g.count, g.last_asked[:10]) for g in groups] == [(2, "2026-04-10"), (1, "2026-04-10")]
    assert groups[0].question in {"水道料金は？", "水道料金は ?"} and groups[1].question == "漏水の連絡先"


def test_by_language_with_older_rows_as_unknown(filled: SqlFeedbackStore) -> None:
    by = {x.language: x for x in compute_stats(filled.engine, days=3, today=TODAY).by_language}
    assert set(by) == {"ja", "en", "unknown"}
    assert (by["ja"].outcomes.questions, by["ja"].outcomes.answered, by["ja"].ratings.up) == (5, 2, 2)
    assert (by["en"].outcomes.answered, by["en"].ratings.down, by["en"].ratings.up_rate) == (1, 1, 0.0)
    assert (by["unknown"].outcomes.abstained, by["unknown"].ratings.up_rate) == (1, None)


def test_an_empty_window_is_zeros_not_an_error(store: SqlFeedbackStore) -> None:
    stats = compute_stats(store.engine, days=2, today=TODAY)
    assert stats.totals.questions == 0 and stats.totals.answered_share == 0.0
    assert stats.ratings.up_rate is None
    assert [d.outcomes.questions for d in stats.per_day] == [0, 0]
    assert stats.top_cited == () and stats.top_unanswered == () and stats.by_language == ()


def test_only_aggregates_leave_the_database(store: SqlFeedbackStore) -> None:
    """Many requests, few rows fetched: each statement is run again to count what it returns."""
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO requests (request_id, kind, question, reply, mode, citations, suggestions, "
                "confidence, created_at, language) "
                "VALUES (:id, 'chat', :q, '', :mode, :c, '[]', 0.5, :at, 'ja')"
            ),
            [
                {
                    "id": f"r{i}",
                    "q": f"質問{i % 40}",
                    "mode": "abstain" if i % 3 == 0 else "extractive",
                    "c": "[]" if i % 3 == 0 else f"[{i % 48 + 1}]",
                    "at": f"2026-04-{i % 9 + 1:02d}T00:00:00+00:00",
                }
                for i in range(2000)
            ],
        )
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        stats = compute_stats(store.engine, days=9, today=date(2026, 4, 9))
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    assert stats.totals.questions == 2000 and sum(g.count for g in stats.top_unanswered) < 2000
    raw = store.engine.raw_connection()
    try:
        for statement, parameters in statements:
            cursor = raw.cursor()
            cursor.execute(statement, parameters)
            assert len(cursor.fetchall()) <= max(9, TOP_N), statement
            cursor.close()
    finally:
        raw.close()


def test_days_out_of_range_is_refused(store: SqlFeedbackStore) -> None:
    for days in (0, MAX_DAYS + 1):
        with pytest.raises(ValueError, match="days must be"):
            compute_stats(store.engine, days=days, today=TODAY)
