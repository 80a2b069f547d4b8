"""The `choices` table: which entry a user picked when the widget asked "which did you mean?".

A pick is explicit feedback: the review queue offers the question as an alternate phrasing of the
picked entry. What was offered is worked out again from the request record (its two best entries and
their margin), never taken from the client, so a pick can only name an entry the server showed.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, delete, select

from bot.answering.ties import ANSWERED_MODES
from bot.errors import NotFoundError
from bot.serving.feedback.database import unavailable_as_data_error
from bot.serving.feedback.tables import choices, requests

# The record keeps each score rounded to 6 places: a margin right at the limit may read 1e-6 off.
_ROUNDING = 2e-6


class Offer(BaseModel):
    """What a recorded request offered the user: the near-tied pair, or nothing."""

    model_config = ConfigDict(frozen=True)

    request_id: str
    offered: tuple[int, ...]


class ChoiceRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    request_id: str
    chosen_no: int
    offered: tuple[int, ...]
    created_at: str


def offered_entries(
    mode: str, top_entries: str | None, margin: float | None, tie_margin: float
) -> tuple[int, ...]:
    """The two FAQ numbers the widget showed as chips for a request, from its record."""
    if mode not in ANSWERED_MODES or margin is None or not top_entries:
        return ()
    if tie_margin <= 0 or margin >= tie_margin + _ROUNDING:
        return ()
    ranked = [int(pair[0]) for pair in json.loads(top_entries)]
    return tuple(ranked[:2]) if len(ranked) >= 2 else ()


class ChoiceStore:
    """Reads requests and writes choices on the feedback database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, tie_margin: float) -> None:
        self.engine = engine
        self.tie_margin = tie_margin

    def offer(self, request_id: str) -> Offer:
        """What the request offered; NotFoundError when no such request was recorded."""
        query = select(requests.c.mode, requests.c.top_entries, requests.c.margin).where(
            requests.c.request_id == request_id
        )
        with unavailable_as_data_error(self.engine, "read the request"), self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError(
                f"no answered request with id {request_id!r}: send the request_id returned by /api/chat"
            )
        return Offer(
            request_id=request_id,
            offered=offered_entries(row.mode, row.top_entries, row.margin, self.tie_margin),
        )

    def add_choice(self, offer: Offer, chosen_no: int, chosen_at: str) -> None:
        """Store the pick; a second pick for the same request replaces the first (the last one counts)."""
        with unavailable_as_data_error(self.engine, "store the choice"), self.engine.begin() as conn:
            conn.execute(delete(choices).where(choices.c.request_id == offer.request_id))
            conn.execute(
                choices.insert().values(
                    request_id=offer.request_id,
                    chosen_no=chosen_no,
                    offered=json.dumps(list(offer.offered)),
                    created_at=chosen_at,
                )
            )

    def choices_of(self, request_id: str) -> list[ChoiceRow]:
        query = select(choices).where(choices.c.request_id == request_id).order_by(choices.c.id)
        with unavailable_as_data_error(self.engine, "read the choices"), self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            ChoiceRow(
                request_id=r["request_id"],
                chosen_no=r["chosen_no"],
                offered=tuple(json.loads(r["offered"])),
                created_at=r["created_at"],
            )
            for r in rows
        ]
