"""The clustering setting in the code, measured again on paraphrase groups of the two eval sets.

An eval item with one expected entry is a paraphrase of that entry's question; the queue should
put paraphrases of one entry together and keep different entries apart. Re-measured here so a
change of embedder, analyzer or retrieval cannot silently make the review queue's rows mixed.
"""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.evaluation.dataset import load_items
from bot.review.clustering import CLUSTER_THRESHOLD, CLUSTER_WEIGHT
from bot.review.threshold import GRID_THRESHOLDS, choose, measure_set
from bot.settings import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("name", "max_split"), [("questions", 0.30), ("probe", 0.45)])
def test_setting_keeps_clusters_pure_and_splits_less_than_dense_alone(
    engine: Engine, name: str, max_split: float
) -> None:
    items = load_items(ROOT / "eval" / f"{name}.jsonl")
    table = measure_set(engine, items, [CLUSTER_WEIGHT, 0.0], [CLUSTER_THRESHOLD, *GRID_THRESHOLDS])
    ours = next(q for q in table if q.weight == CLUSTER_WEIGHT and q.threshold == CLUSTER_THRESHOLD)
    assert ours.items > 150 and ours.labels > 40
    assert ours.purity >= 0.88, ours
    assert 1 - ours.inverse_purity <= max_split, ours
    assert ours.clusters < 0.6 * ours.items  # it does group: not one row per question
    # The entry profile is what makes it work: the dense view alone, at the same purity, splits
    # paraphrases of one entry over many more rows.
    dense_alone = choose([q for q in table if q.weight == 0.0], ours.purity - 0.02)
    assert (1 - dense_alone.inverse_purity) > (1 - ours.inverse_purity) + 0.1, dense_alone
