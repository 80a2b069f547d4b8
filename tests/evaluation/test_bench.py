"""bench: the percentile used for latency figures."""

from __future__ import annotations

from bot.evaluation.bench import percentile


def test_percentile_nearest_rank() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 50) == 3.0
    assert percentile(values, 100) == 5.0
    assert percentile([7.0], 95) == 7.0
