"""Typed values of the review queue: queued questions, clusters of them, decisions, FAQ gaps."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ReviewKind = Literal["abstain", "down", "tie", "choice"]
KINDS: tuple[ReviewKind, ...] = ("abstain", "down", "tie", "choice")
Action = Literal["accept", "gap", "dismiss"]
CLUSTER_PREFIX = "c-"  # cluster ids; a bare request id names one question


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class QueueItem(_Frozen):
    """One undecided request that needs a reviewer's eye, and why (`kinds`)."""

    request_id: str
    question: str
    asked_at: str
    kinds: tuple[ReviewKind, ...]
    mode: str
    language: str | None = None
    top_entries: tuple[tuple[int, float], ...] = ()
    margin: float | None = None
    comment: str | None = None  # of a 👎 rating
    chosen_no: int | None = None  # the entry the user picked among the offered ones


class EntryScore(_Frozen):
    no: int
    question: str = Field(description="the entry's published question; empty when it no longer exists")
    score: float = Field(description="mean retrieval score over the members that ranked it")
    share: float = Field(description="share of the members that had it in their top entries")


class Cluster(_Frozen):
    id: str = Field(description="c-<request id of the earliest member>: stable while new members join")
    count: int
    kinds: dict[ReviewKind, int]
    examples: tuple[str, ...] = Field(description="up to 3 distinct questions, the most asked first")
    nearest: tuple[EntryScore, ...]
    suggested_no: int | None = Field(description="the entry to pre-fill in 'accept as a phrasing of No.N'")
    first_asked: str
    last_asked: str
    comments: tuple[str, ...]
    members: tuple[QueueItem, ...]


class ReviewQueueView(_Frozen):
    """GET /api/admin/review: the queue, newest first, and the facts the page must state."""

    clusters: tuple[Cluster, ...]
    questions: int = Field(description="questions in the listed clusters")
    truncated: bool = Field(description="older undecided questions beyond the queue's limit were left out")
    log_questions: bool = Field(description="FAQBOT_LOG_QUESTIONS: false keeps questions out of the logs")
    retention_days: int
    tie_margin: float


class Decision(_Frozen):
    """What an action did."""

    id: str
    action: Action
    entry_no: int | None = None
    request_ids: tuple[str, ...]
    actor: str
    at: str
    added_phrasings: tuple[str, ...] = ()  # accept: the questions new to the entry's alt_questions


class LoggedAction(_Frozen):
    """One row of the review log."""

    request_id: str
    question: str | None
    action: Action
    entry_no: int | None
    actor: str
    at: str


class GapQuestion(_Frozen):
    """A question marked as an FAQ gap (one per request)."""

    request_id: str
    question: str
    asked_at: str
    top_entries: tuple[tuple[int, float], ...] = ()
    marked_by: str
    marked_at: str


class GapRow(_Frozen):
    """One line of the gap export: a distinct question of a gap cluster, with counts."""

    gap_id: str
    cluster_count: int
    question: str
    count: int
    first_asked: str
    last_asked: str
    marked_by: str
    marked_at: str


class PruneCounts(_Frozen):
    requests: int = 0
    feedback: int = 0
    choices: int = 0
    review_actions: int = 0

    @property
    def total(self) -> int:
        return self.requests + self.feedback + self.choices + self.review_actions
