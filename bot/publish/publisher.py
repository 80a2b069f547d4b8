"""One publish: build data/ into a new folder, gate it, and only then make it current.

    merge enrichment ─▶ write_build (new folder, not current) ─▶ open it ─▶ eval gates
        ─ pass ─▶ CURRENT := new build (HISTORY remembers the previous one), prune old builds
        └ fail ─▶ remove the new folder; CURRENT, HISTORY and data/ untouched

Running servers watch CURRENT (bot/serving/watcher.py) and switch by themselves. The caller
holds the index lock for the whole run, so no other publish, rollback or prune interleaves.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.embedders.base import Embedder
from bot.engine import Engine
from bot.errors import StaleIndexError
from bot.index.build import write_build
from bot.index.negatives import load_negatives
from bot.index.pointer import make_current, prune_builds, read_current
from bot.index.store import FORMAT_VERSION, META_FILE, read_meta
from bot.publish.gate import GateSpec, MetricCheck, run_gates
from bot.publish.query_cache import CachedQueries
from bot.publish.source import PublishSource, publish_source, write_merged
from bot.text.analyzer import Analyzer
from bot.text.synonyms import Synonyms

# (step, fraction of the whole publish done, detail), for a progress bar or a job record.
StepReporter = Callable[[str, float, str], None]
# Where each step sits in the overall progress: building dominates a full rebuild.
_SPAN = {"questions": (0.6, 0.8), "probe": (0.8, 0.97)}
_BUILD_SPAN = {"embedding entries": (0.02, 0.5), "embedding negatives": (0.5, 0.58), "bm25": (0.58, 0.6)}


@dataclass(frozen=True)
class PublishPlan:
    data_dir: Path
    index_dir: Path
    gates: tuple[GateSpec, ...]
    force: bool = False  # build and gate even when data/ is what the current build was made from


@dataclass(frozen=True)
class PublishOutcome:
    passed: bool
    build: str | None  # the build now current (passed), or the one refused
    previous: str | None  # current before this publish
    checks: tuple[MetricCheck, ...]
    message: str
    timings: dict[str, float] = field(default_factory=dict)
    published: bool = False  # CURRENT changed


def _quiet(step: str, fraction: float, detail: str) -> None:
    pass


def _up_to_date(
    index_dir: Path, current: str | None, data_hash: str, embedder: Embedder, analyzer: str
) -> bool:
    if current is None or not (index_dir / current / META_FILE).is_file():
        return False
    try:
        meta = read_meta(index_dir / current)
    except (OSError, ValueError):
        return False
    return (
        meta.get("data_hash") == data_hash
        and meta.get("embedder_id") == embedder.id
        and meta.get("analyzer") == analyzer
        and meta.get("format_version") == FORMAT_VERSION
    )


def publish(
    plan: PublishPlan, embedder: Embedder, report: StepReporter = _quiet, progress_bar: bool = False
) -> PublishOutcome:
    """Build, gate, swap (see the module docstring). The caller holds the index lock."""
    started = time.perf_counter()
    index_dir = plan.index_dir
    previous = read_current(index_dir)
    report("merge", 0.0, "reading data/ (faq.jsonl + enrichment.jsonl)")
    source = publish_source(plan.data_dir)
    analyzer = Analyzer(Synonyms.load(plan.data_dir))
    if not plan.force and _up_to_date(index_dir, previous, source.data_hash, embedder, analyzer.fingerprint):
        message = f"nothing to publish: {previous} was built from this data (use --force to rebuild)"
        report("done", 1.0, message)
        return PublishOutcome(True, previous, previous, (), message, {"total_s": _since(started)})

    def on_build(step: str, done: int, total: int) -> None:
        lo, hi = _BUILD_SPAN.get(step, (0.58, 0.6))
        share = done / total if total else 1.0
        report("build", lo + (hi - lo) * share, f"{step}: {done}/{total}")

    t = time.perf_counter()
    build = write_build(
        source.entries,
        analyzer,
        embedder,
        index_dir,
        source.data_hash,
        progress=progress_bar,
        negatives=load_negatives(plan.data_dir),
        data_dir=plan.data_dir,
        on_progress=on_build,
    )
    timings = {"build_s": _since(t)}
    try:
        outcome = _gate_and_swap(plan, embedder, build, previous, source, report, timings)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    outcome.timings["total_s"] = _since(started)
    return outcome


def _gate_and_swap(
    plan: PublishPlan,
    embedder: Embedder,
    build: Path,
    previous: str | None,
    source: PublishSource,
    report: StepReporter,
    timings: dict[str, float],
) -> PublishOutcome:
    t = time.perf_counter()
    report("gate", _SPAN["questions"][0], f"opening {build.name}")
    queries = CachedQueries(embedder)
    queries.load(plan.index_dir)
    engine = Engine.open_build(build, queries, plan.data_dir)
    if set(engine.entries) != {e.no for e in source.entries}:
        raise StaleIndexError(f"{build.name} does not hold the entries of data/: publish again")

    def on_gate(gate: str, done: int, total: int) -> None:
        lo, hi = _SPAN.get(gate, (0.8, 0.97))
        report(f"gate: {gate}", lo + (hi - lo) * done / max(total, 1), f"{done}/{total} questions")

    gate = run_gates(engine, plan.gates, on_gate)
    queries.save(plan.index_dir)
    timings["gate_s"] = _since(t)
    timings["gate_items"] = float(gate.items)
    timings["gate_queries_embedded"] = float(queries.misses)
    if not gate.passed:
        shutil.rmtree(build, ignore_errors=True)
        fell = "; ".join(c.describe() for c in gate.failed)
        message = f"gate refused {build.name}: {fell}. Still current: {previous or 'no build'}"
        report("refused", 1.0, message)
        return PublishOutcome(False, build.name, previous, gate.checks, message, timings)

    report("swap", 0.98, f"making {build.name} current")
    write_merged(plan.data_dir, source)
    make_current(plan.index_dir, build.name)
    removed = prune_builds(plan.index_dir)
    n_merged = len(source.merged)
    merged = f"; merged phrasings of {n_merged} entries from enrichment.jsonl" if n_merged else ""
    message = (
        f"published {build.name} ({len(source.entries)} entries; gate passed on {gate.items} questions"
        f"{merged}); previous {previous or 'none'}"
        + (f"; removed {len(removed)} old builds" if removed else "")
    )
    report("done", 1.0, message)
    return PublishOutcome(True, build.name, previous, gate.checks, message, timings, published=True)


def _since(t: float) -> float:
    return round(time.perf_counter() - t, 2)
