"""Measure the clustering threshold on real paraphrases: how pure and how split the groups are.

The labelled set: questions of an eval file that have exactly one expected entry, labelled by
that entry, so every label is a group of independent paraphrases of one FAQ question (follow-ups
are left out: alone they lack their context). Good clustering puts each label in one group
(little split) and never two labels in one group (high purity). A review queue can live with some
split (two rows for one topic) far better than with impurity (accepting a mixed group adds a
phrasing to the wrong entry), so the setting chosen is the least split one whose purity clears a
floor; a second, independently written set checks it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.embedders.base import Vectors
from bot.engine import Engine
from bot.evaluation.dataset import EvalItem
from bot.review.clustering import cluster_labels, cluster_vectors
from bot.review.features import combine, dense_vectors, profile_vectors

GRID_WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)
GRID_THRESHOLDS = tuple(round(0.80 + 0.01 * i, 2) for i in range(15))
STORED_HITS = 3  # what a request record keeps (Reply.hits): the profile sees no more than that


@dataclass(frozen=True)
class ClusterQuality:
    weight: float  # the entry-profile share of the cosine (bot/review/features.py)
    threshold: float
    items: int
    labels: int
    clusters: float  # mean over arrival orders
    purity: float  # share of items in their cluster's majority label
    inverse_purity: float  # share of items in their label's largest cluster: 1 - split
    pair_precision: float  # of pairs put together, the share that share a label
    pair_recall: float  # of pairs that share a label, the share put together

    @property
    def pair_f1(self) -> float:
        p, r = self.pair_precision, self.pair_recall
        return 2 * p * r / (p + r) if p + r else 0.0


def paraphrase_set(items: Sequence[EvalItem]) -> tuple[list[str], list[int]]:
    """Questions and their entry labels: single-answer, self-contained items only."""
    chosen = [i for i in items if len(i.expected) == 1 and not i.history]
    return [i.question for i in chosen], [i.expected[0] for i in chosen]


def measure_set(
    engine: Engine, items: Sequence[EvalItem], weights: Sequence[float], thresholds: Sequence[float]
) -> list[ClusterQuality]:
    """Both views of each paraphrase as the queue computes them (dense + the engine's top hits)."""
    questions, labels = paraphrase_set(items)
    dense = dense_vectors(questions, engine.embedder, engine.analyzer)
    tops = [
        [(h.no, h.score) for h in engine.retrieve(q, k=STORED_HITS).hits[:STORED_HITS]] for q in questions
    ]
    return measure(dense, profile_vectors(tops), labels, weights, thresholds)


def _score(truth: Sequence[int], found: Sequence[int]) -> tuple[float, float, float, float]:
    n = len(truth)
    by_cluster: dict[int, Counter[int]] = {}
    by_label: dict[int, Counter[int]] = {}
    for t, f in zip(truth, found, strict=True):
        by_cluster.setdefault(f, Counter())[t] += 1
        by_label.setdefault(t, Counter())[f] += 1
    purity = sum(c.most_common(1)[0][1] for c in by_cluster.values()) / n
    inverse = sum(c.most_common(1)[0][1] for c in by_label.values()) / n

    # Pair counts from the contingency table: n items in one cell make n(n-1)/2 pairs.
    def pairs(counts: Iterable[int]) -> int:
        return sum(c * (c - 1) // 2 for c in counts)

    together = pairs(sum(c.values()) for c in by_cluster.values())
    same = pairs(sum(c.values()) for c in by_label.values())
    both = pairs(n for c in by_cluster.values() for n in c.values())
    return purity, inverse, both / together if together else 1.0, both / same if same else 1.0


def measure(
    dense: Vectors,
    profiles: Vectors,
    labels: Sequence[int],
    weights: Sequence[float],
    thresholds: Sequence[float],
    orders: int = 5,
    seed: int = 0,
) -> list[ClusterQuality]:
    """Cluster the set in `orders` random arrival orders at each (weight, threshold); average the scores."""
    if len(dense) != len(labels) or len(labels) < 2:
        raise ValueError(f"need two or more labelled vectors, got {len(dense)} vectors, {len(labels)} labels")
    rng = random.Random(seed)
    perms = [rng.sample(range(len(labels)), len(labels)) for _ in range(orders)]
    out: list[ClusterQuality] = []
    for weight in weights:
        vectors = combine(dense, profiles, weight)
        for threshold in thresholds:
            scores = []
            counts = []
            for perm in perms:
                groups = cluster_vectors(vectors[perm], threshold)
                scores.append(_score([labels[i] for i in perm], cluster_labels(groups, len(perm))))
                counts.append(len(groups))
            mean = np.mean(np.array(scores), axis=0)
            out.append(
                ClusterQuality(
                    weight=weight,
                    threshold=threshold,
                    items=len(labels),
                    labels=len(set(labels)),
                    clusters=float(np.mean(counts)),
                    purity=float(mean[0]),
                    inverse_purity=float(mean[1]),
                    pair_precision=float(mean[2]),
                    pair_recall=float(mean[3]),
                )
            )
    return out


def choose(table: Sequence[ClusterQuality], min_purity: float) -> ClusterQuality:
    """The setting with the least split among those whose purity reaches `min_purity`."""
    passing = [q for q in table if q.purity >= min_purity]
    if not passing:
        best = max(q.purity for q in table)
        raise ValueError(
            f"no setting reaches purity {min_purity:.2f} (best {best:.3f}): try higher thresholds"
        )
    return min(passing, key=lambda q: (1 - q.inverse_purity, -q.purity))


def format_table(table: Sequence[ClusterQuality]) -> str:
    lines = ["weight  threshold  clusters  purity  split  pair_P  pair_R  pair_F1"]
    for q in table:
        lines.append(
            f"{q.weight:6.2f}  {q.threshold:9.3f}  {q.clusters:8.1f}  {q.purity:6.3f}  "
            f"{1 - q.inverse_purity:5.3f}  {q.pair_precision:6.3f}  {q.pair_recall:6.3f}  {q.pair_f1:7.3f}"
        )
    return "\n".join(lines)
