"""The eval gate a new build must pass before it is published.

Each gate is an eval set and its committed baseline (eval/questions.jsonl with eval/baseline.json,
eval/probe.jsonl with eval/probe_baseline.json): a metric below baseline minus tolerance refuses
the build, the same rule `faqbot eval --baseline` and scripts/test.sh apply.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from bot.engine import Engine
from bot.errors import DataError
from bot.evaluation.baseline import DEFAULT_TOLERANCE
from bot.evaluation.dataset import load_items
from bot.evaluation.runner import run_items, summarize
from bot.settings import ROOT

DEFAULT_EVAL_DIR = ROOT / "eval"
# Items per progress update: often enough for a bar, few enough not to matter.
_CHUNK = 16
GateProgress = Callable[[str, int, int], None]  # (gate name, items done, items in the gate)


@dataclass(frozen=True)
class GateSpec:
    name: str
    questions: Path
    baseline: Path


def default_gates(eval_dir: Path = DEFAULT_EVAL_DIR) -> tuple[GateSpec, ...]:
    return (
        GateSpec("questions", eval_dir / "questions.jsonl", eval_dir / "baseline.json"),
        GateSpec("probe", eval_dir / "probe.jsonl", eval_dir / "probe_baseline.json"),
    )


class MetricCheck(BaseModel):
    gate: str
    name: str
    value: float
    floor: float
    ok: bool

    def describe(self) -> str:
        verdict = "ok" if self.ok else "FELL"
        return f"{self.gate} {self.name} {self.value:.4f} (floor {self.floor:.4f}) {verdict}"


@dataclass(frozen=True)
class GateReport:
    checks: tuple[MetricCheck, ...]
    seconds: float
    items: int

    @property
    def passed(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> tuple[MetricCheck, ...]:
        return tuple(c for c in self.checks if not c.ok)


def _baseline(path: Path) -> tuple[dict[str, float], float]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        metrics = {str(k): float(v) for k, v in raw["metrics"].items()}
        tolerance = float(raw.get("tolerance", DEFAULT_TOLERANCE))
    except FileNotFoundError:
        hint = "write it with `faqbot eval --write-baseline`"
        raise DataError(f"gate baseline {path} not found: {hint}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"gate baseline {path} is malformed ({exc})") from exc
    if raw.get("retriever", "hybrid") != "hybrid":
        raise DataError(f"gate baseline {path} is for the {raw['retriever']} retriever; servers run hybrid")
    return metrics, tolerance


def check_gate(
    spec: GateSpec, engine: Engine, on_progress: GateProgress | None = None
) -> tuple[list[MetricCheck], int]:
    """Run one eval set on `engine`; each baselined metric against its floor, and the item count."""
    metrics, tolerance = _baseline(spec.baseline)
    items = load_items(spec.questions)
    results = []
    for start in range(0, len(items), _CHUNK):
        results.extend(run_items(engine, items[start : start + _CHUNK]))
        if on_progress is not None:
            on_progress(spec.name, len(results), len(items))
    summary = summarize(results, "hybrid")
    checks = []
    for name, base in metrics.items():
        if name not in summary:
            raise DataError(f"gate baseline {spec.baseline} names an unknown metric {name!r}")
        value = float(summary[name])
        # The rule of bot.evaluation.baseline.compare: a drop of more than the tolerance fails.
        floor = base - tolerance
        checks.append(MetricCheck(gate=spec.name, name=name, value=value, floor=floor, ok=not value < floor))
    return checks, len(items)


def run_gates(
    engine: Engine, gates: tuple[GateSpec, ...], on_progress: GateProgress | None = None
) -> GateReport:
    """Every gate, in order (all of them, so the report names every metric that fell)."""
    started = time.perf_counter()
    checks: list[MetricCheck] = []
    items = 0
    for spec in gates:
        gate_checks, n = check_gate(spec, engine, on_progress)
        checks.extend(gate_checks)
        items += n
    return GateReport(tuple(checks), round(time.perf_counter() - started, 2), items)
