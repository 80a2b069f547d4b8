"""Retrieval metrics as small pure functions over one item's ranking (averaged by the caller).

recall@k here is success@k: the item counts when at least one expected entry is in the top k.
Whether *all* expected entries were found is measured separately by all_expected@k.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# The headline retrieval metrics: printed, reported and gated by the baseline, in this order.
HEADLINE_METRICS = (
    "recall@1",
    "recall@3",
    "recall@5",
    "mrr",
    "ndcg@10",
    "all_expected@5",
    "abstain_oos",
    "answer_in_scope",
)


def first_rank(ranked: Sequence[int], expected: Sequence[int]) -> int | None:
    """1-based rank of the first expected entry, or None."""
    for i, no in enumerate(ranked, start=1):
        if no in expected:
            return i
    return None


def hit_at(ranked: Sequence[int], expected: Sequence[int], k: int) -> float:
    return float(any(no in expected for no in ranked[:k]))


def all_at(ranked: Sequence[int], expected: Sequence[int], k: int) -> float:
    return float(set(expected) <= set(ranked[:k]))


def reciprocal_rank(ranked: Sequence[int], expected: Sequence[int]) -> float:
    r = first_rank(ranked, expected)
    return 0.0 if r is None else 1.0 / r


def ndcg_at(ranked: Sequence[int], expected: Sequence[int], k: int = 10) -> float:
    """Binary-relevance nDCG@k."""
    dcg = sum(1.0 / math.log2(i + 1) for i, no in enumerate(ranked[:k], start=1) if no in expected)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(expected), k) + 1))
    return dcg / ideal if ideal else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
