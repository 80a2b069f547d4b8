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
