"""The review queue: undecided questions from the store, grouped into clusters, filtered, resolved.

The whole queue is clustered first and filtered afterwards, so a cluster has the same id (and the
same members) whatever kind or date filter the reviewer looks through.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import numpy as np

from bot.embedders.base import Embedder, Vectors
from bot.engine import Engine
from bot.errors import NotFoundError
from bot.review.clustering import CLUSTER_THRESHOLD, CLUSTER_WEIGHT, cluster_vectors
from bot.review.features import combine, profile_vectors
from bot.review.models import CLUSTER_PREFIX, KINDS, Cluster, EntryScore, QueueItem, ReviewKind
from bot.text.analyzer import Analyzer

if TYPE_CHECKING:
    # Only the type: importing bot.serving here would import the app, which imports this.
    from bot.serving.feedback.review_store import SqlReviewStore

QUEUE_LIMIT = 5000  # newest undecided questions clustered per listing (a few seconds to embed, once)
EXAMPLES = 3
NEAREST = 3


class VectorCache:
    """Dense vectors of questions already seen, for one embedder + analyzer (swapped on reload).

    Listing the queue again embeds only the questions that arrived since; bounded, oldest out.
    """

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._owner: tuple[str, int] | None = None
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, questions: Sequence[str], embedder: Embedder, analyzer: Analyzer) -> Vectors:
        if not questions:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        owner = (embedder.id, id(analyzer))
        with self._lock:
            if owner != self._owner:
                self._owner, self._vectors = owner, OrderedDict()
            have = {q: self._vectors[q] for q in questions if q in self._vectors}
        todo = [q for q in dict.fromkeys(questions) if q not in have]
        if todo:
            # Outside the lock: embedding takes a while and other listings may read meanwhile.
            fresh = embedder.embed_queries([analyzer.analyze(q).expanded for q in todo])
            have.update(zip(todo, fresh, strict=True))
            with self._lock:
                if owner == self._owner:
                    self._vectors.update(zip(todo, fresh, strict=True))
                    while len(self._vectors) > self.size:
                        self._vectors.popitem(last=False)
        rows = [have[q] for q in questions]
        return np.stack(rows).astype(np.float32)


@dataclass(frozen=True)
class Filters:
    kind: ReviewKind | None = None
    since: date | None = None  # first day included (UTC)
    until: date | None = None  # last day included (UTC)

    def keeps(self, cluster: Cluster) -> bool:
        if self.kind is not None and not cluster.kinds.get(self.kind):
            return False
        low = _iso(self.since) if self.since else None
        high = _iso(self.until + timedelta(days=1)) if self.until else None
        return any(
            (low is None or m.asked_at >= low) and (high is None or m.asked_at < high)
            for m in cluster.members
        )


def _iso(day: date) -> str:
    # The stored form (recording.now_iso): ISO 8601 UTC with milliseconds, so text order is time order.
    return datetime.combine(day, time(), tzinfo=UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ReviewQueue:
    store: SqlReviewStore
    embedder: Embedder
    analyzer: Analyzer
    cache: VectorCache
    titles: Mapping[int, str]  # FAQ number -> published question, for the nearest entries
    tie_margin: float
    threshold: float = CLUSTER_THRESHOLD
    weight: float = CLUSTER_WEIGHT
    limit: int = QUEUE_LIMIT

    @classmethod
    def for_engine(
        cls, engine: Engine, store: SqlReviewStore, cache: VectorCache, tie_margin: float
    ) -> ReviewQueue:
        """The queue as the loaded engine sees questions (its embedder, analyzer and entries)."""
        return cls(
            store=store,
            embedder=engine.embedder,
            analyzer=engine.analyzer,
            cache=cache,
            titles={no: e.question for no, e in engine.entries.items()},
            tie_margin=tie_margin,
        )

    def clusters(self, filters: Filters = Filters()) -> tuple[list[Cluster], bool]:
        """Clusters, newest first (by their latest question), and whether the queue was truncated."""
        items, truncated = self.store.queue_items(self.tie_margin, self.limit)
        clusters = [c for c in self.group(items) if filters.keeps(c)]
        clusters.sort(key=lambda c: (c.last_asked, c.id), reverse=True)
        return clusters, truncated

    def group(self, items: Sequence[QueueItem]) -> list[Cluster]:
        """Cluster items given oldest first."""
        if not items:
            return []
        groups = cluster_vectors(self.vectors(items), self.threshold)
        return [summarise([items[i] for i in g], self.titles) for g in groups]

    def vectors(self, items: Sequence[QueueItem]) -> Vectors:
        dense = self.cache.vectors([i.question for i in items], self.embedder, self.analyzer)
        return combine(dense, profile_vectors([i.top_entries for i in items]), self.weight)

    def resolve(self, target: str) -> tuple[str, list[QueueItem]]:
        """The questions an action on `target` applies to: a cluster (c-<id>) or one queued question.

        A cluster is found by any of its members, so an id stays usable when older members were
        decided or pruned and the cluster's earliest member changed.
        """
        items, _ = self.store.queue_items(self.tie_margin, self.limit)
        if target.startswith(CLUSTER_PREFIX):
            member = target[len(CLUSTER_PREFIX) :]
            if any(i.request_id == member for i in items):
                for cluster in self.group(items):
                    if any(m.request_id == member for m in cluster.members):
                        return cluster.id, list(cluster.members)
        else:
            for item in items:
                if item.request_id == target:
                    return target, [item]
        raise NotFoundError(
            f"nothing in the review queue has id {target!r}: it was decided or pruned already, "
            "or the id is mistyped; list the queue again"
        )


def summarise(members: Sequence[QueueItem], titles: Mapping[int, str]) -> Cluster:
    """A cluster's row: counts, examples, the nearest entries, the entry to suggest."""
    kinds = Counter(k for m in members for k in m.kinds)
    asked = Counter(m.question.strip() for m in members)
    latest = {m.question.strip(): m.asked_at for m in members}
    examples = sorted(asked, key=lambda q: (-asked[q], _desc(latest[q])))[:EXAMPLES]
    scores: dict[int, list[float]] = {}
    for m in members:
        for no, score in m.top_entries:
            scores.setdefault(no, []).append(score)
    n = len(members)
    # Ranked by mean score counting absent members as 0: an entry most members ranked comes first.
    ranked = sorted(scores, key=lambda no: (-sum(scores[no]) / n, no))[:NEAREST]
    nearest = tuple(
        EntryScore(
            no=no,
            question=titles.get(no, ""),
            score=round(sum(scores[no]) / len(scores[no]), 4),
            share=round(len(scores[no]) / n, 4),
        )
        for no in ranked
    )
    # A user's pick first; else what answered members were answered with. An abstention's nearest
    # entry is only the least bad guess: pre-filling it would invite accepting a wrong home.
    picks = Counter(m.chosen_no for m in members if m.chosen_no is not None)
    if not picks:
        picks = Counter(m.top_entries[0][0] for m in members if m.mode != "abstain" and m.top_entries)
    suggested = picks.most_common(1)[0][0] if picks else None
    comments = tuple(dict.fromkeys(m.comment for m in reversed(members) if m.comment))
    return Cluster(
        id=CLUSTER_PREFIX + members[0].request_id,
        count=n,
        kinds={k: kinds[k] for k in KINDS if kinds[k]},
        examples=tuple(examples),
        nearest=nearest,
        suggested_no=suggested,
        first_asked=members[0].asked_at,
        last_asked=max(m.asked_at for m in members),
        comments=comments,
        members=tuple(members),
    )


def _desc(text: str) -> tuple[int, ...]:
    """Sort key putting later ISO timestamps first."""
    return tuple(-ord(c) for c in text)
