"""The committed baseline: CI fails when a headline metric drops by more than the tolerance."""

from __future__ import annotations

from typing import Any

from bot.evaluation.metrics import HEADLINE_METRICS

GATED = HEADLINE_METRICS
DEFAULT_TOLERANCE = 0.02


def make_baseline(summary: dict[str, Any], tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    return {
        "tolerance": tolerance,
        "retriever": summary["retriever"],
        "n": summary["n"],
        "metrics": {k: summary[k] for k in GATED},
    }


def compare(summary: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """One line per metric that fell more than `tolerance` below its baseline value."""
    tolerance = float(baseline.get("tolerance", DEFAULT_TOLERANCE))
    failures = []
    for name, base in baseline["metrics"].items():
        now = float(summary[name])
        if now < float(base) - tolerance:
            failures.append(f"{name}: {now:.4f} < baseline {float(base):.4f} - tolerance {tolerance}")
    return failures
