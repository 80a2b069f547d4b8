"""Retrieval metrics as pure functions on hand-made rankings."""

from __future__ import annotations

import math

import pytest

from bot.evaluation.metrics import all_at, first_rank, hit_at, mean, ndcg_at, reciprocal_rank

RANKED = [17, 18, 14, 26, 7]


def test_first_rank() -> None:
    assert first_rank(RANKED, [17]) == 1
    assert first_rank(RANKED, [14, 7]) == 3
    assert first_rank(RANKED, [40]) is None
    assert first_rank([], [1]) is None


@pytest.mark.parametrize(("k", "expected"), [(1, 0.0), (2, 1.0), (5, 1.0)])
def test_hit_at(k: int, expected: float) -> None:
    assert hit_at(RANKED, [18], k) == expected


def test_hit_at_counts_any_expected_entry() -> None:
    assert hit_at(RANKED, [40, 14], 3) == 1.0
    assert hit_at(RANKED, [40, 41], 5) == 0.0


def test_all_at_needs_every_expected_entry() -> None:
    assert all_at(RANKED, [17, 7], 5) == 1.0
    assert all_at(RANKED, [17, 7], 4) == 0.0
    assert all_at(RANKED, [17, 40], 5) == 0.0


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(RANKED, [17]) == 1.0
    assert reciprocal_rank(RANKED, [26]) == 0.25
    assert reciprocal_rank(RANKED, [99]) == 0.0


def test_ndcg_single_relevant() -> None:
    assert ndcg_at(RANKED, [17], 10) == 1.0
    assert ndcg_at(RANKED, [14], 10) == pytest.approx(1 / math.log2(4))
    assert ndcg_at(RANKED, [99], 10) == 0.0


def test_ndcg_two_relevant() -> None:
    # Relevant at ranks 2 and 5; ideal has them at 1 and 2.
    dcg = 1 / math.log2(3) + 1 / math.log2(6)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at(RANKED, [18, 7], 10) == pytest.approx(dcg / ideal)


def test_ndcg_cut_at_k() -> None:
    assert ndcg_at(RANKED, [7], 4) == 0.0
    assert ndcg_at(RANKED, [7], 5) == pytest.approx(1 / math.log2(6))


def test_ndcg_with_no_expected_is_zero() -> None:
    assert ndcg_at(RANKED, [], 10) == 0.0


def test_mean() -> None:
    assert mean([1.0, 0.0, 0.5]) == 0.5
    assert mean([]) == 0.0
