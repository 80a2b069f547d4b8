"""The regression gate: compare a summary with the committed baseline."""

from __future__ import annotations

from typing import Any

from bot.evaluation.baseline import GATED, compare, make_baseline

SUMMARY: dict[str, Any] = {
    "retriever": "hybrid",
    "n": 10,
    **{name: 0.8 for name in GATED},
}


def test_own_baseline_passes() -> None:
    assert compare(SUMMARY, make_baseline(SUMMARY)) == []


def test_make_baseline_keeps_the_gated_metrics() -> None:
    baseline = make_baseline(SUMMARY, tolerance=0.05)
    assert baseline["tolerance"] == 0.05
    assert set(baseline["metrics"]) == set(GATED)
    assert baseline["retriever"] == "hybrid" and baseline["n"] == 10


def test_drop_beyond_tolerance_is_flagged() -> None:
    baseline = make_baseline(SUMMARY, tolerance=0.02)
    worse = {**SUMMARY, "recall@1": 0.77, "mrr": 0.70}
    failures = compare(worse, baseline)
    assert len(failures) == 2
    assert failures[0].startswith("recall@1: 0.7700 < baseline 0.8000")
    assert any(f.startswith("mrr:") for f in failures)


def test_drop_within_tolerance_passes() -> None:
    baseline = make_baseline(SUMMARY, tolerance=0.02)
    assert compare({**SUMMARY, "recall@1": 0.79, "abstain_oos": 0.785}, baseline) == []


def test_improvement_passes() -> None:
    assert compare({**SUMMARY, "recall@1": 0.95}, make_baseline(SUMMARY)) == []


def test_missing_tolerance_uses_the_default() -> None:
    baseline = {"metrics": {"recall@1": 0.8}}
    assert compare({**SUMMARY, "recall@1": 0.79}, baseline) == []
    assert compare({**SUMMARY, "recall@1": 0.70}, baseline) != []
