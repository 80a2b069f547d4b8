"""The review queue's SQL: which requests need review, the reviewers' decisions, retention pruning.

Selection, the kinds of each request and the exclusion of decided ones are computed by the
database in one query (SQLite and PostgreSQL alike); only clustering, which needs the embedder,
happens in Python on the rows it returns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Engine, and_, delete, exists, literal, or_, select
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.sql.elements import ColumnElement

from bot.answering.ties import ANSWERED_MODES
from bot.errors import DataError
from bot.review.models import Action, GapQuestion, LoggedAction, PruneCounts, QueueItem, ReviewKind
from bot.serving.feedback.database import describe, first_line, setting_name, unavailable_as_data_error
from bot.serving.feedback.tables import choices, feedback, requests, review_actions

# Drafts are whole e-mails: neither a phrasing to accept nor one question to count.
REVIEWED_REQUEST_KINDS = ("chat", "openai")


def _latest_choice() -> ColumnElement[int]:
    """The entry picked last for the request (a second pick replaces the first)."""
    return (
        select(choices.c.chosen_no)
        .where(choices.c.request_id == requests.c.request_id)
        .order_by(choices.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _decided() -> ColumnElement[bool]:
    return exists().where(review_actions.c.request_id == requests.c.request_id)


@contextmanager
def _using(engine: Engine, doing: str) -> Iterator[None]:
    """Outages as DataError; on PostgreSQL a missing table too (SQLite reports it as an outage)."""
    try:
        with unavailable_as_data_error(engine, doing):
            yield
    except ProgrammingError as exc:
        raise DataError(
            f"cannot {doing} in {describe(engine)}: {first_line(exc)}. If it has no faqbot schema yet, "
            f"start `faqbot serve` on it once; else check {setting_name(engine)}."
        ) from exc


class SqlReviewStore:
    """Reads and writes the review tables on the shared engine of SqlFeedbackStore."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def queue_items(self, tie_margin: float, limit: int) -> tuple[list[QueueItem], bool]:
        """Undecided requests of any review kind, oldest first, at most the `limit` newest.

        Returns the items and whether older ones were left out.
        """
        chosen = _latest_choice().label("chosen_no")
        is_abstain = requests.c.mode == "abstain"
        is_down = feedback.c.rating == "down"
        # A margin of 0 turns near-ties off (as it does in the widget).
        is_tie: ColumnElement[bool] = (
            and_(
                requests.c.mode.in_(ANSWERED_MODES),
                requests.c.margin.is_not(None),
                requests.c.margin < tie_margin,
            )
            if tie_margin > 0
            else literal(False)
        )
        has_choice = exists().where(choices.c.request_id == requests.c.request_id)
        query = (
            select(
                requests.c.request_id,
                requests.c.question,
                requests.c.created_at,
                requests.c.mode,
                requests.c.language,
                requests.c.top_entries,
                requests.c.margin,
                feedback.c.rating,
                feedback.c.comment,
                chosen,
                is_tie.label("is_tie"),
            )
            .select_from(requests.outerjoin(feedback, feedback.c.request_id == requests.c.request_id))
            .where(
                requests.c.kind.in_(REVIEWED_REQUEST_KINDS),
                or_(is_abstain, is_down, is_tie, has_choice),
                ~_decided(),
            )
            .order_by(requests.c.created_at.desc(), requests.c.request_id.desc())
            .limit(limit + 1)
        )
        with _using(self.engine, "read the review queue"), self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        truncated = len(rows) > limit
        items = []
        for row in rows[:limit]:
            kinds: list[ReviewKind] = []
            if row["mode"] == "abstain":
                kinds.append("abstain")
            if row["rating"] == "down":
                kinds.append("down")
            if row["is_tie"]:
                kinds.append("tie")
            if row["chosen_no"] is not None:
                kinds.append("choice")
            items.append(
                QueueItem(
                    request_id=row["request_id"],
                    question=row["question"],
                    asked_at=row["created_at"],
                    kinds=tuple(kinds),
                    mode=row["mode"],
                    language=row["language"],
                    top_entries=_top_entries(row["top_entries"]),
                    margin=row["margin"],
                    comment=row["comment"] if row["rating"] == "down" else None,
                    chosen_no=row["chosen_no"],
                )
            )
        items.reverse()
        return items, truncated

    def record(
        self, request_ids: Sequence[str], action: Action, entry_no: int | None, actor: str, at: str
    ) -> list[str]:
        """Write one decision per request not decided yet; return the ids written."""
        with _using(self.engine, "store the review decision"), self.engine.begin() as conn:
            known = set(
                conn.execute(
                    select(requests.c.request_id).where(requests.c.request_id.in_(list(request_ids)))
                ).scalars()
            )
            decided = set(
                conn.execute(
                    select(review_actions.c.request_id).where(review_actions.c.request_id.in_(list(known)))
                ).scalars()
            )
            todo = [r for r in dict.fromkeys(request_ids) if r in known and r not in decided]
            if todo:
                conn.execute(
                    review_actions.insert(),
                    [
                        {
                            "request_id": r,
                            "action": action,
                            "entry_no": entry_no,
                            "actor": actor,
                            "created_at": at,
                        }
                        for r in todo
                    ],
                )
        return todo

    def gap_questions(self) -> list[GapQuestion]:
        """Every question marked as an FAQ gap, oldest first."""
        query = (
            select(
                requests.c.request_id,
                requests.c.question,
                requests.c.created_at,
                requests.c.top_entries,
                review_actions.c.actor,
                review_actions.c.created_at.label("marked_at"),
            )
            .join(review_actions, review_actions.c.request_id == requests.c.request_id)
            .where(review_actions.c.action == "gap")
            .order_by(requests.c.created_at, requests.c.request_id)
        )
        with _using(self.engine, "read the FAQ gaps"), self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            GapQuestion(
                request_id=r["request_id"],
                question=r["question"],
                asked_at=r["created_at"],
                top_entries=_top_entries(r["top_entries"]),
                marked_by=r["actor"],
                marked_at=r["marked_at"],
            )
            for r in rows
        ]

    def log(self, limit: int = 50) -> list[LoggedAction]:
        """The latest decisions, newest first (the review log: who decided what, when)."""
        query = (
            select(
                review_actions.c.request_id,
                requests.c.question,
                review_actions.c.action,
                review_actions.c.entry_no,
                review_actions.c.actor,
                review_actions.c.created_at,
            )
            .select_from(
                review_actions.outerjoin(requests, requests.c.request_id == review_actions.c.request_id)
            )
            .order_by(review_actions.c.created_at.desc(), review_actions.c.id.desc())
            .limit(limit)
        )
        with _using(self.engine, "read the review log"), self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            LoggedAction(
                request_id=r["request_id"],
                question=r["question"],
                action=r["action"],
                entry_no=r["entry_no"],
                actor=r["actor"],
                at=r["created_at"],
            )
            for r in rows
        ]

    def prune(self, before: str) -> PruneCounts:
        """Delete requests asked before `before` (ISO 8601 UTC) and every row about them, in one
        transaction; rows of the other tables older than that go too, even without their request."""
        old = select(requests.c.request_id).where(requests.c.created_at < before)
        counts: dict[str, int] = {}
        with _using(self.engine, "prune old rows"), self.engine.begin() as conn:
            for name, table in (
                ("feedback", feedback),
                ("choices", choices),
                ("review_actions", review_actions),
            ):
                result = conn.execute(
                    delete(table).where(or_(table.c.request_id.in_(old), table.c.created_at < before))
                )
                counts[name] = result.rowcount
            counts["requests"] = conn.execute(delete(requests).where(requests.c.created_at < before)).rowcount
        return PruneCounts(**counts)


def _top_entries(raw: str | None) -> tuple[tuple[int, float], ...]:
    if not raw:
        return ()
    return tuple((int(no), float(score)) for no, score in json.loads(raw))
