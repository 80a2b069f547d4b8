"""`faqbot bench`: retrieval latency percentiles, index build time, cold start and peak RSS.

Cold start and RSS are measured in fresh child processes so the numbers are not flattered by
this process's warm caches.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.engine import Engine
from bot.index import build_index, data_fingerprint
from bot.index.negatives import load_negatives
from bot.ingest import load_entries
from bot.text.analyzer import Analyzer
from bot.text.segment import split_questions
from bot.text.synonyms import Synonyms

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from bot.settings import Settings
from bot.wiring import open_engine
from bot.answering.service import AnswerService
s = Settings(data_dir=sys.argv[1], index_dir=sys.argv[2])
eng = open_engine(s)
AnswerService.from_settings(eng, s).answer(sys.argv[3])
t1 = time.perf_counter()
for q in json.loads(sys.argv[4]):
    eng.retrieve(q)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report the parent's peak.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"cold_start_s": t1 - t0, "peak_rss_mb": hwm / 1024}))
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[idx]


def latency(engine: Engine, questions: list[str], repeat: int) -> dict[str, float]:
    for q in questions[:5]:
        engine.retrieve(q)  # warm-up
    times = []
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            engine.retrieve(q)
            times.append((time.perf_counter() - t) * 1000)
    return {
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "mean_ms": statistics.fmean(times),
    }


def build_time(engine: Engine, data_dir: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        build_index(
            load_entries(data_dir),
            Analyzer(Synonyms.load(data_dir)),
            engine.embedder,
            Path(tmp),
            data_fingerprint(data_dir),
            negatives=load_negatives(data_dir),
        )
        return time.perf_counter() - t


def cold_start(data_dir: Path, index_dir: Path, questions: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHILD,
            str(data_dir),
            str(index_dir),
            questions[0],
            json.dumps(questions[:50]),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_bench(
    engines: dict[str, Engine], questions: list[str], data_dir: Path, index_dir: Path, repeat: int
) -> dict[str, Any]:
    report: dict[str, Any] = {"n_questions": len(questions), "repeat": repeat, "latency": {}}
    for name, eng in engines.items():
        report["latency"][name] = latency(eng, questions, repeat)
    # Mails with several questions embed each part: single questions show the per-query cost.
    single = [q for q in questions if len(split_questions(q)) == 1]
    report["latency"]["hybrid_single_question"] = latency(engines["hybrid"], single, repeat)
    report["n_single_questions"] = len(single)
    base = report["latency"].get("dense")
    if base:
        for lat in report["latency"].values():
            lat["p50_vs_dense"] = lat["p50_ms"] / base["p50_ms"]
    report["build_s"] = build_time(engines["hybrid"], data_dir)
    report.update(cold_start(data_dir, index_dir, questions))
    report["this_process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report["targets"] = {"hybrid_p50_ms": 10, "cold_start_s": 3, "peak_rss_mb": 400}
    return report
