"""Rank fusion functions on small arrays, checked against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from bot.retrieval.fusion import convex_combination, minmax, reciprocal_rank_fusion


def test_rrf_sums_reciprocal_ranks() -> None:
    a = np.array([3.0, 1.0, 2.0])  # ranks 1, 3, 2
    b = np.array([0.1, 0.9, 0.5])  # ranks 3, 1, 2
    fused = reciprocal_rank_fusion([a, b], [1.0, 1.0], k=60)
    assert fused == pytest.approx([1 / 61 + 1 / 63, 1 / 63 + 1 / 61, 2 / 62])


def test_rrf_uses_ranks_not_score_magnitudes() -> None:
    a = np.array([1000.0, 1.0, 0.5])
    b = np.array([0.3, 0.2, 0.1])
    assert reciprocal_rank_fusion([a], [1.0]) == pytest.approx(reciprocal_rank_fusion([b], [1.0]))


def test_rrf_weights_decide_between_disagreeing_lists() -> None:
    a = np.array([2.0, 1.0])
    b = np.array([1.0, 2.0])
    assert np.argmax(reciprocal_rank_fusion([a, b], [1.0, 0.5], k=1)) == 0
    assert np.argmax(reciprocal_rank_fusion([a, b], [0.5, 1.0], k=1)) == 1
    # k = 1: first place earns 1/2, second 1/3.
    assert reciprocal_rank_fusion([a, b], [1.0, 0.5], k=1) == pytest.approx(
        [1 / 2 + 0.5 / 3, 1 / 3 + 0.5 / 2]
    )


def test_rrf_needs_one_weight_per_list() -> None:
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([np.array([1.0]), np.array([2.0])], [1.0])


def test_minmax_scales_to_unit_range() -> None:
    assert minmax(np.array([2.0, 4.0, 6.0])) == pytest.approx([0.0, 0.5, 1.0])
    assert minmax(np.array([-1.0, 1.0])) == pytest.approx([0.0, 1.0])


def test_minmax_of_constant_scores_is_zero_not_nan() -> None:
    out = minmax(np.array([0.8, 0.8, 0.8]))
    assert np.all(out == 0.0)


def test_convex_combination_weights_normalised_scores() -> None:
    dense = np.array([0.80, 0.90, 0.85])  # -> 0, 1, 0.5
    lexical = np.array([10.0, 0.0, 5.0])  # -> 1, 0, 0.5
    fused = convex_combination([dense, lexical], [1.0, 0.5])
    assert fused == pytest.approx([0.5, 1.0, 0.75])
    assert np.argmax(fused) == 1


def test_convex_combination_ignores_a_flat_signal() -> None:
    dense = np.array([0.2, 0.6, 0.4])
    flat = np.zeros(3)  # e.g. BM25 when no question word is in the FAQ
    assert convex_combination([dense, flat], [1.0, 0.5]) == pytest.approx(minmax(dense))


def test_top_positions_match_a_full_stable_sort_and_skip_infinite() -> None:
    from bot.retrieval.fusion import top_positions, top_scores

    rng = np.random.default_rng(7)
    scores = np.round(rng.random(500), 2)  # many ties
    scores[[3, 40]] = -np.inf
    full = [int(i) for i in np.argsort(-scores, kind="stable") if np.isfinite(scores[i])]
    assert top_positions(scores, 20).tolist() == full[:20]
    assert top_positions(scores, 1000).tolist() == full
    assert top_scores(scores, 3).tolist() == sorted(scores, reverse=True)[:3]
