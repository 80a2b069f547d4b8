"""What a question looks like to the clustering: its meaning and the FAQ entries it ranked.

e5 cosines bunch in a narrow domain (every question is about the platform), so the dense vector
alone tells paraphrases of one question from questions about another entry poorly (measured in
bot/review/threshold.py). The retrieval's own top entries, stored with every request, are a
second, independent view: two people asking the same thing get the same nearest entries. A
question is the concatenation of both views, weighted so that the cosine of two questions is
`(1 - w) * dense cosine + w * cosine of their entry-score profiles`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.embedders.base import Embedder, Vectors, l2_normalize
from bot.text.analyzer import Analyzer

TopEntries = Sequence[tuple[int, float]]


def dense_vectors(questions: Sequence[str], embedder: Embedder, analyzer: Analyzer) -> Vectors:
    """Query vectors of the questions as retrieval reads them (normalised, respelled, expanded)."""
    if not questions:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return embedder.embed_queries([analyzer.analyze(q).expanded for q in questions])


def profile_vectors(tops: Sequence[TopEntries]) -> Vectors:
    """One L2-normalised column per FAQ number seen; a row without stored hits is all zeros."""
    columns = {no: i for i, no in enumerate(sorted({no for top in tops for no, _ in top}))}
    out = np.zeros((len(tops), len(columns)), dtype=np.float32)
    for row, top in enumerate(tops):
        for no, score in top:
            out[row, columns[no]] = max(float(score), 0.0)
    return l2_normalize(out)


def combine(dense: Vectors, profiles: Vectors, weight: float) -> Vectors:
    """Both views in one unit vector per question (`weight` is the profile's share of the cosine)."""
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"the profile weight must be in [0, 1), got {weight}")
    if len(dense) != len(profiles):
        raise ValueError(f"{len(dense)} dense vectors but {len(profiles)} profiles")
    joined = np.hstack([dense * np.sqrt(1.0 - weight), profiles * np.sqrt(weight)]).astype(np.float32)
    # A row without a profile keeps its dense direction: renormalising restores its length.
    return l2_normalize(joined)
