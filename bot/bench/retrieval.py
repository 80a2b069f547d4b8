"""`faqbot bench retrieval`: in-process latency of each retriever beside a plain baseline.

The baseline is written the obvious way: embed the question, search a FAISS IndexFlatIP holding
one vector per entry (its question and answer), nothing else. Ours / baseline is the cost of
everything else (several vectors per entry, BM25 over words and readings, the decision).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import faiss
import numpy as np

from bot.bench.stats import Latency, markdown_table
from bot.engine import Engine


class PlainBaseline:
    def __init__(self, engine: Engine) -> None:
        self._embedder = engine.embedder
        entries = list(engine.entries.values())
        self._nos = np.array([e.no for e in entries])
        self._index = faiss.IndexFlatIP(engine.embedder.dim)
        self._index.add(engine.embedder.embed_documents([f"{e.question}\n{e.answer}" for e in entries]))

    def retrieve(self, question: str, k: int = 5) -> list[int]:
        _, ids = self._index.search(self._embedder.embed_queries([question]), k)
        return [int(self._nos[i]) for i in ids[0] if i >= 0]


@dataclass
class RetrievalBench:
    n_questions: int
    repeat: int
    latency: dict[str, Latency] = field(default_factory=dict)
    vs_baseline: dict[str, float] = field(default_factory=dict)


def time_calls(call: Callable[[str], object], questions: list[str], repeat: int) -> Latency:
    for q in questions[:5]:
        call(q)  # warm-up: tokenizer dictionary, embedder kernels
    times = []
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            call(q)
            times.append((time.perf_counter() - t) * 1000)
    return Latency.of(times)


def run_retrieval(engines: dict[str, Engine], questions: list[str], repeat: int) -> RetrievalBench:
    """Interleaved per round is not needed here: all calls are in-process and under a second."""
    hybrid = engines["hybrid"]
    baseline = PlainBaseline(hybrid)
    report = RetrievalBench(n_questions=len(questions), repeat=repeat)
    embed = hybrid.embedder.embed_queries
    report.latency["bare_embedder"] = time_calls(lambda q: embed([q]), questions, repeat)
    report.latency["baseline"] = time_calls(baseline.retrieve, questions, repeat)
    for name, engine in engines.items():
        report.latency[name] = time_calls(engine.retrieve, questions, repeat)
    base = report.latency["baseline"].p50_ms
    report.vs_baseline = {name: round(lat.p50_ms / base, 3) for name, lat in report.latency.items()}
    return report


def retrieval_markdown(r: RetrievalBench) -> str:
    rows = [
        [name, lat.p50_ms, lat.p95_ms, lat.p99_ms, r.vs_baseline[name]] for name, lat in r.latency.items()
    ]
    head = f"# Retrieval in process\n\n{r.n_questions} distinct questions x {r.repeat}.\n\n"
    return head + markdown_table(["", "p50 ms", "p95 ms", "p99 ms", "p50 / baseline"], rows)
