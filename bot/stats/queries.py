"""The figures as SQL (SQLAlchemy Core): GROUP BY and COUNT on SQLite and PostgreSQL alike.

Only aggregates cross the wire: a day, a language, an entry or a question group per row, never one
row per request. `created_at` is ISO 8601 UTC text, so a day is its first ten characters and a date
range is a text range.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    String,
    and_,
    case,
    cast,
    desc,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.sql.selectable import TableValuedAlias

from bot.errors import DataError
from bot.serving.feedback.database import describe, first_line, setting_name
from bot.serving.feedback.tables import feedback, requests
from bot.stats.models import DayFigures, EntryCount, LanguageFigures, Outcomes, QuestionGroup, Ratings, Stats

MAX_DAYS = 366
TOP_N = 10
# Widget and OpenAI-compatible API; support-desk drafts are counted apart.
QUESTION_KINDS = ("chat", "openai")
_ANSWERED = ("extractive", "llm")
# Dropped before grouping unanswered questions, so "…？" and "… ?" and "…。" meet.
_IGNORED = (" ", "\u3000", "?", "？", "!", "！", "。", ".")

r, f = requests, feedback
_answered = func.count(case((r.c.mode.in_(_ANSWERED), 1)))
_abstained = func.count(case((r.c.mode == "abstain", 1)))
_fallback = func.count(case((r.c.mode.not_in((*_ANSWERED, "abstain")), 1)))
_up = func.count(case((f.c.rating == "up", 1)))
_down = func.count(case((f.c.rating == "down", 1)))


def compute_stats(
    engine: Engine, days: int, today: date, titles: Mapping[int, str] | None = None, top: int = TOP_N
) -> Stats:
    """The figures of the last `days` days up to `today` (UTC). `titles` names cited entries."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1–{MAX_DAYS}, got {days}")
    first = today - timedelta(days=days - 1)
    after = (today + timedelta(days=1)).isoformat()
    window = and_(r.c.created_at >= first.isoformat(), r.c.created_at < after)
    questions = and_(window, r.c.kind.in_(QUESTION_KINDS))
    titles = titles or {}
    try:
        with engine.connect() as conn:
            totals, ratings = _totals(conn, questions)
            return Stats(
                days=days,
                since=first.isoformat(),
                until=today.isoformat(),
                totals=totals,
                drafts=conn.execute(select(func.count()).where(window, r.c.kind == "draft")).scalar_one(),
                ratings=ratings,
                per_day=_per_day(conn, questions, first, days),
                top_cited=_top_cited(conn, questions, titles, top),
                top_unanswered=_top_unanswered(conn, questions, top),
                by_language=_by_language(conn, questions),
            )
    except (OperationalError, ProgrammingError) as exc:
        raise DataError(
            f"cannot read the figures from {describe(engine)}: {first_line(exc)}. If it has no faqbot schema "
            f"yet, start `faqbot serve` on it once; else check {setting_name(engine)}."
        ) from exc


def _totals(conn: Connection, where: ColumnElement[bool]) -> tuple[Outcomes, Ratings]:
    query = select(_answered, _abstained, _fallback, _up, _down).select_from(
        r.outerjoin(f, f.c.request_id == r.c.request_id)
    )
    answered, abstained, fallback, up, down = conn.execute(query.where(where)).one()
    outcomes = Outcomes.of(answered, abstained, fallback)
    return outcomes, Ratings.of(up, down, outcomes.questions)


def _per_day(conn: Connection, where: ColumnElement[bool], first: date, days: int) -> tuple[DayFigures, ...]:
    day = func.substr(r.c.created_at, 1, 10).label("day")
    query = select(day, _answered, _abstained, _fallback).where(where).group_by(day)
    counted = {row.day: Outcomes.of(*row[1:]) for row in conn.execute(query)}
    # Days without a question are rows the database cannot return; they are zeros, not gaps.
    empty = Outcomes.of(0, 0, 0)
    every = (first + timedelta(days=i) for i in range(days))
    return tuple(DayFigures(day=d.isoformat(), outcomes=counted.get(d.isoformat(), empty)) for d in every)


def _cited_numbers(conn: Connection) -> TableValuedAlias:
    """One row per cited FAQ number (column `value`), from the JSON array in requests.citations."""
    if conn.dialect.name == "postgresql":
        return func.json_array_elements_text(cast(r.c.citations, JSON)).table_valued("value")
    return func.json_each(r.c.citations).table_valued("value")


def _top_cited(
    conn: Connection, where: ColumnElement[bool], titles: Mapping[int, str], top: int
) -> tuple[EntryCount, ...]:
    cited = _cited_numbers(conn)
    no = cast(cited.c.value, Integer).label("no")
    count = func.count().label("n")
    # The function reads each request's own column: it must come after requests in FROM.
    query = (
        select(no, count)
        .select_from(r.join(cited, true()))
        .where(where)
        .group_by(no)
        .order_by(desc(count), no)
        .limit(top)
    )
    rows = conn.execute(query)
    return tuple(EntryCount(no=row.no, question=titles.get(row.no), count=row.n) for row in rows)


def _normalised(column: ColumnElement[str]) -> ColumnElement[str]:
    expr: ColumnElement[str] = func.lower(column)
    for ch in _IGNORED:
        expr = func.replace(expr, literal(ch, String), literal("", String))
    return expr


def _top_unanswered(conn: Connection, where: ColumnElement[bool], top: int) -> tuple[QuestionGroup, ...]:
    key = _normalised(r.c.question).label("key")
    count = func.count().label("n")
    query = (
        select(key, count, func.min(r.c.question).label("example"), func.max(r.c.created_at).label("last"))
        .where(where, r.c.mode == "abstain")
        .group_by(key)
        .order_by(desc(count), desc("last"))
        .limit(top)
    )
    return tuple(
        QuestionGroup(question=row.example, count=row.n, last_asked=row.last) for row in conn.execute(query)
    )


def _by_language(conn: Connection, where: ColumnElement[bool]) -> tuple[LanguageFigures, ...]:
    language = func.coalesce(r.c.language, "unknown").label("language")
    query = (
        select(language, _answered, _abstained, _fallback, _up, _down)
        .select_from(r.outerjoin(f, f.c.request_id == r.c.request_id))
        .where(where)
        .group_by(language)
        .order_by(desc(func.count()), language)
    )
    out = []
    for lang, answered, abstained, fallback, up, down in conn.execute(query):
        outcomes = Outcomes.of(answered, abstained, fallback)
        ratings = Ratings.of(up, down, outcomes.questions)
        out.append(LanguageFigures(language=lang, outcomes=outcomes, ratings=ratings))
    return tuple(out)
