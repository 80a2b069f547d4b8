"""A reviewer's decisions on a cluster or one question: accept as a phrasing of No.N, FAQ gap, dismiss.

Each decision is written to review_actions for every question it covers (who, when, which entry),
which takes them out of the queue. Accepting writes the phrasings to data/ first: a failure there
leaves the queue as it was, and accepting again is harmless (duplicates are skipped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

from bot.review.enrichment_writer import add_alt_questions
from bot.review.models import Decision
from bot.review.queue import ReviewQueue

DEFAULT_ACTOR = "admin"
MAX_ACTOR_CHARS = 100


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def actor_name(raw: str | None) -> str:
    """Who decided: as given (trimmed, one line, bounded), else "admin".

    HTTP headers carry ASCII only, so the page sends a name percent-encoded (UTF-8); decoded here.
    """
    name = " ".join(unquote(raw or "").split())[:MAX_ACTOR_CHARS]
    return name or DEFAULT_ACTOR


@dataclass(frozen=True)
class ReviewActions:
    queue: ReviewQueue
    data_dir: Path
    clock: Callable[[], str] = now_iso

    def accept(self, target: str, no: int, actor: str) -> Decision:
        """The questions of `target` become alternate phrasings of FAQ No.`no`."""
        resolved, members = self.queue.resolve(target)
        added = add_alt_questions(self.data_dir, no, [m.question for m in members])
        at = self.clock()
        written = self.queue.store.record([m.request_id for m in members], "accept", no, actor, at)
        return Decision(
            id=resolved,
            action="accept",
            entry_no=no,
            request_ids=tuple(written),
            actor=actor,
            at=at,
            added_phrasings=added,
        )

    def mark(self, target: str, action: Literal["gap", "dismiss"], actor: str) -> Decision:
        """An FAQ gap (exported for the FAQ editors) or nothing to do (dismiss)."""
        resolved, members = self.queue.resolve(target)
        at = self.clock()
        written = self.queue.store.record([m.request_id for m in members], action, None, actor, at)
        return Decision(id=resolved, action=action, request_ids=tuple(written), actor=actor, at=at)
