"""Rank fusion as small pure functions."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float64]


def reciprocal_rank_fusion(score_lists: list[Scores], weights: list[float], k: float = 60.0) -> Scores:
    """Weighted reciprocal rank fusion (Cormack, Clarke & Buettcher, SIGIR 2009).

    Each list scores the same documents in the same order; a document's fused score is the
    weighted sum of 1 / (k + rank) over the lists (rank 1 = best).
    """
    fused = np.zeros_like(score_lists[0], dtype=np.float64)
    for scores, weight in zip(score_lists, weights, strict=True):
        ranks = np.empty(len(scores), dtype=np.float64)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        fused += weight / (k + ranks)
    return fused


def minmax(scores: Scores) -> Scores:
    lo, hi = float(scores.min()), float(scores.max())
    if hi - lo < 1e-12:
        return np.zeros_like(scores, dtype=np.float64)
    return (scores - lo) / (hi - lo)


def convex_combination(score_lists: list[Scores], weights: list[float]) -> Scores:
    """Weighted sum of min-max normalised scores (Bruch et al., "An Analysis of Fusion Functions", 2023)."""
    fused = np.zeros_like(score_lists[0], dtype=np.float64)
    for scores, weight in zip(score_lists, weights, strict=True):
        fused += weight * minmax(scores)
    return fused


def top_positions(scores: Scores, n: int) -> npt.NDArray[np.intp]:
    """Positions of the `n` best finite scores, best first, ties in position order.

    argpartition first: a full sort of every entry per query is what stops scaling past 10k.
    """
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > n:
        nth = -np.partition(-scores[finite], n - 1)[n - 1]
        # Every score tied with the n-th stays in, so ties are cut in position order as a full
        # stable sort would cut them.
        finite = finite[scores[finite] >= nth]
    return finite[np.argsort(-scores[finite], kind="stable")][:n]


def top_scores(scores: Scores, n: int) -> Scores:
    """The `n` highest scores, highest first."""
    if len(scores) <= n:
        return np.sort(scores)[::-1]
    return np.sort(np.partition(scores, len(scores) - n)[-n:])[::-1]
