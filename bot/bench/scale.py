"""`faqbot bench scale`: what the FAQ costs as it grows (48 → 100k entries, see bot.bench.synthetic).

Per size: build time, index size on disk, memory and query latency of a fresh process serving
that index, and, where the dense index is approximate (HNSW), its recall against exact search.
Sizes up to `real_embed_up_to` are embedded for real; larger ones use synthetic vectors, and
their build time adds the embedding time the measured texts/s predicts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from bot.bench.plots import ScaleReport, SizeResult, check_targets, scale_charts, scale_markdown
from bot.bench.questions import question_pool
from bot.bench.stats import Latency, write_report
from bot.bench.synthetic import (
    BaseVectors,
    SyntheticCorpus,
    SyntheticVectors,
    build_synthetic_index,
    calibrate_cosine,
    load_variants,
    noise_sigma,
    synthetic_corpus,
)
from bot.embedders.base import Embedder, Vectors, WrappedEmbedder
from bot.index import build_index, data_fingerprint, load_index
from bot.index.build import APPROXIMATE_FROM, dense_index
from bot.index.documents import dense_docs
from bot.index.negatives import load_negatives
from bot.index.store import LoadedIndex
from bot.ingest import load_entries
from bot.models import FaqEntry
from bot.retrieval.signals import APPROX_CANDIDATES
from bot.settings import ROOT
from bot.text.analyzer import Analyzer
from bot.text.synonyms import Synonyms

# Question texts only, from sets written apart from the FAQ (never their expected answers).
QUESTION_SOURCES = (
    "eval/probe.jsonl",
    "data/calibration.jsonl",
    "data/calibration_extra.jsonl",
    "data/calibration_multi.jsonl",
)
_EXACT_CHUNK = 262_144  # vectors per exact-search block: 400 MB of float32, not 2.6 GB at once

# A fresh interpreter per size: its memory is this index's, not what earlier sizes left behind.
_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from bot.bench.stats import Latency, peak_rss_mb, rss_mb
from bot.engine import Engine
from bot.ingest import load_entries
from bot.settings import Settings
from bot.wiring import embedder_from
data_dir, index_dir, entries_dir = (Path(a) for a in sys.argv[1:4])
repeat = int(sys.argv[4])
questions = json.loads(sys.stdin.read())
embedder = embedder_from(Settings(), serving=True)
engine = Engine.open(data_dir, index_dir, embedder, build_if_missing=False, entries=load_entries(entries_dir))
open_s = time.perf_counter() - t0
for q in questions[:5]:
    engine.retrieve(q)  # warm-up: tokenizer dictionary, embedder kernels
times, top = [], []
for round_ in range(repeat):
    for q in questions:
        t = time.perf_counter()
        hits = engine.retrieve(q).hits
        times.append((time.perf_counter() - t) * 1000)
        if round_ == 0:
            top.append(hits[0].no if hits else None)
embed = []  # the bare query embedding, a gauge of how busy the machine was during this size
for q in questions:
    t = time.perf_counter()
    embedder.embed_queries([q])
    embed.append((time.perf_counter() - t) * 1000)
print(json.dumps({"open_s": open_s, "latency": Latency.of(times).__dict__, "peak_rss_mb": peak_rss_mb(),
                  "rss_mb": rss_mb(), "top": top, "embed_p50_ms": Latency.of(embed).p50_ms}))
"""


class TimedEmbedder(WrappedEmbedder):
    """The real embedder, timing document batches (and keeping them, for the recall check)."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self.seconds = 0.0
        self.texts = 0
        self.kept: list[Vectors] = []  # small: only sizes up to real_embed_up_to embed for real

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        t = time.perf_counter()
        out = self._inner.embed_documents(texts)
        self.seconds += time.perf_counter() - t
        self.texts += len(texts)
        self.kept.append(out)
        return out


def scale_questions(n: int = 100, root: Path = ROOT) -> list[str]:
    """`n` distinct real questions spread evenly over the pool (all languages and kinds)."""
    pool = question_pool(root, QUESTION_SOURCES)
    return pool[:: max(1, len(pool) // n)][:n]


@dataclass(frozen=True)
class _Built:
    path: Path
    build_s: float
    embed_s: float
    embedding: str


class _Builder:
    """Builds each size: for real up to `real_embed_up_to`, then from the real size's vectors."""

    def __init__(self, data_dir: Path, embedder: Embedder, approximate_from: int, seed: int) -> None:
        self.data_dir = data_dir
        self.real = load_entries(data_dir)
        self.analyzer = Analyzer(Synonyms.load(data_dir))
        self.variants = load_variants(data_dir)
        self.embedder = embedder
        self.approximate_from = approximate_from
        self.seed = seed
        self.base: BaseVectors | None = None
        self.texts_per_s = 0.0

    def load(self, index_dir: Path, data_hash: str) -> LoadedIndex:
        e = self.embedder
        return load_index(index_dir, e.id, e.dim, data_hash, self.analyzer.fingerprint)

    def real_build(
        self, entries: list[FaqEntry], index_dir: Path, data_hash: str, progress: bool
    ) -> tuple[_Built, Vectors]:
        timed = TimedEmbedder(self.embedder)
        t = time.perf_counter()
        negatives = load_negatives(self.data_dir)
        path = build_index(
            entries, self.analyzer, timed, index_dir, data_hash, progress, negatives, self.approximate_from
        )
        seconds = time.perf_counter() - t
        if self.base is None:
            docs = dense_docs(entries, self.analyzer)
            self.base = BaseVectors.from_index(docs, self.load(index_dir, data_hash))
        # The fastest real build: other work on the machine only ever slows embedding down.
        self.texts_per_s = max(self.texts_per_s, round(timed.texts / max(timed.seconds, 1e-9), 2))
        return _Built(path, seconds, timed.seconds, "real"), np.vstack(timed.kept)

    def synthetic_build(
        self, corpus: SyntheticCorpus, cosine: float, index_dir: Path, data_hash: str, progress: bool
    ) -> tuple[_Built, Vectors]:
        if self.base is None:
            raise RuntimeError("build the real entries first: synthetic vectors are made from theirs")
        synth = SyntheticVectors(self.base, corpus.base_of, noise_sigma(cosine, self.embedder.dim), self.seed)
        made = build_synthetic_index(
            corpus.entries, synth, self.analyzer, self.embedder.id, index_dir, data_hash,
            self.approximate_from, progress,
        )  # fmt: skip
        embed_s = len(made.vectors) / self.texts_per_s
        return _Built(made.path, made.seconds + embed_s, embed_s, "synthetic"), made.vectors

    def calibrated_cosine(self) -> float:
        """Mean cosine of really embedded texts of copies to their base texts' vectors."""
        assert self.base is not None
        # One copy of each real entry: the noise then moves a synthetic copy as far as rewording does.
        probe = synthetic_corpus(self.real, 2 * len(self.real), self.variants, self.seed)
        synth = SyntheticVectors(self.base, probe.base_of, 0.0, self.seed)
        return calibrate_cosine(synth, dense_docs(probe.entries, self.analyzer), self.embedder)


def run_scale(
    sizes: Sequence[int],
    real_embed_up_to: int = 1000,
    questions: Sequence[str] | None = None,
    out_dir: Path = ROOT / "docs" / "bench",
    *,
    embedder: Embedder,
    data_dir: Path = ROOT / "data",
    approximate_from: int = APPROXIMATE_FROM,
    repeat: int = 3,
    cosine: float | None = None,
    work_dir: Path | None = None,
    seed: int = 0,
    progress: bool = True,
) -> ScaleReport:
    """Measure each size; the real FAQ's size always first, as the ratios' reference.

    The report and charts are rewritten after every size, so a run stopped at 100k keeps the
    sizes before it. `cosine` None calibrates the synthetic vectors' noise with the embedder.
    """
    builder = _Builder(data_dir, embedder, approximate_from, seed)
    qs = list(questions) if questions is not None else scale_questions()
    n_real = len(builder.real)
    root = Path(tempfile.mkdtemp(prefix="faqbot-scale-", dir=work_dir))
    report: ScaleReport | None = None
    reference: list[int | None] = []
    try:
        for n in tqdm([n_real, *sorted(set(sizes) - {n_real})], "sizes", disable=not progress):
            corpus = synthetic_corpus(builder.real, n, builder.variants, seed)
            work = root / f"n{n}"
            (work / "data").mkdir(parents=True)
            body = "".join(e.model_dump_json() + "\n" for e in corpus.entries)
            (work / "data" / "faq.jsonl").write_text(body, encoding="utf-8")
            data_hash = data_fingerprint(data_dir, corpus.entries)
            if report is None or n <= real_embed_up_to:
                built, vectors = builder.real_build(corpus.entries, work / "index", data_hash, progress)
            else:
                cos = report.noise_cosine
                built, vectors = builder.synthetic_build(corpus, cos, work / "index", data_hash, progress)
            if report is None:
                calibrated = cosine is None
                cosine = builder.calibrated_cosine() if cosine is None else cosine
                report = ScaleReport(len(qs), repeat, approximate_from, round(cosine, 4), calibrated, 0.0)
            report.texts_per_s = builder.texts_per_s
            index = builder.load(work / "index", data_hash)
            recall = None
            if index.meta["dense_kind"] == "hnsw":
                recall = round(approximate_recall(index, vectors, embedder.embed_queries(qs)), 4)
            meta = dict(index.meta)
            del index, vectors  # before the child starts: it shares the machine's memory
            served = _serve_once(data_dir, work, qs, repeat)
            tops = [None if no is None else corpus.base_of[no] for no in served.top]
            reference = reference or tops
            lat = served.latency
            ref = report.sizes[0].latency if report.sizes else lat
            same = sum(a == b and a is not None for a, b in zip(tops, reference, strict=True))
            report.sizes.append(
                SizeResult(
                    entries=n,
                    vectors=int(meta["dense_vectors"]),
                    dense_kind=str(meta["dense_kind"]),
                    embedding=built.embedding,
                    build_s=round(built.build_s, 2),
                    embed_s=round(built.embed_s, 2),
                    disk_mb=round(_disk_bytes(built.path) / 2**20, 2),
                    open_s=round(served.open_s, 2),
                    peak_rss_mb=round(served.peak_rss_mb, 1),
                    rss_mb=round(served.rss_mb, 1),
                    latency=lat,
                    p50_ratio=round(lat.p50_ms / ref.p50_ms, 3),
                    p99_ratio=round(lat.p99_ms / ref.p99_ms, 3),
                    recall_at_10=recall,
                    same_base_top1=round(same / max(1, len(tops)), 3),
                    embed_p50_ms=served.embed_p50_ms,
                )
            )
            shutil.rmtree(work, ignore_errors=True)
            write_scale_report(report, out_dir)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if report is None:
        raise ValueError("no sizes to measure")
    return report


def approximate_recall(index: LoadedIndex, vectors: Vectors, queries: Vectors, k: int = 10) -> float:
    """Entry-level recall@k of the index searched as Signals searches it, vs exact search of `vectors`."""
    cap = min(APPROX_CANDIDATES, len(vectors))
    params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # missing from faiss's stubs
    params.efSearch = max(cap, 64)  # as bot.retrieval.signals sets it
    approx_sims, approx_ids = index.dense.search(queries, cap, params=params)
    exact_sims, exact_ids = _exact_search(vectors, queries, cap)
    owner = np.asarray(index.dense_owner)
    found = [
        len(_top_entries(a_s, a_i, owner, k) & _top_entries(e_s, e_i, owner, k)) / k
        for a_s, a_i, e_s, e_i in zip(approx_sims, approx_ids, exact_sims, exact_ids, strict=True)
    ]
    return float(np.mean(found))


def _exact_search(vectors: Vectors, queries: Vectors, k: int) -> tuple[np.ndarray, np.ndarray]:
    # Block by block: a second float32 copy of 1.7M vectors would be another 2.6 GB.
    sims, ids = [], []
    for start in range(0, len(vectors), _EXACT_CHUNK):
        chunk = vectors[start : start + _EXACT_CHUNK]
        flat, _ = dense_index(chunk, approximate_from=len(chunk) + 1)  # the exact kind builds use
        s, i = flat.search(queries, min(k, len(chunk)))
        sims.append(s)
        ids.append(i + start)
    all_sims, all_ids = np.hstack(sims), np.hstack(ids)
    best = np.argsort(-all_sims, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(all_sims, best, 1), np.take_along_axis(all_ids, best, 1)


def _top_entries(sims: np.ndarray, ids: np.ndarray, owner: np.ndarray, k: int) -> set[int]:
    """The first `k` distinct entries among the vectors found, best vector first."""
    out: dict[int, None] = {}
    for i in ids[np.argsort(-sims, kind="stable")]:
        if i >= 0:
            out.setdefault(int(owner[i]), None)
            if len(out) == k:
                break
    return set(out)


@dataclass(frozen=True)
class _Served:
    open_s: float
    latency: Latency
    peak_rss_mb: float
    rss_mb: float
    top: list[int | None]  # each question's top entry (first round)
    embed_p50_ms: float


def _serve_once(data_dir: Path, work: Path, questions: list[str], repeat: int) -> _Served:
    args = [str(data_dir), str(work / "index"), str(work / "data"), str(repeat)]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        input=json.dumps(questions), capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"the serving process for {work.name} failed:\n{out.stderr[-3000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return _Served(
        r["open_s"], Latency(**r["latency"]), r["peak_rss_mb"], r["rss_mb"], r["top"], r["embed_p50_ms"]
    )


def _disk_bytes(path: Path) -> int:
    """Allocated size, as du counts it."""
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file())


def write_scale_report(report: ScaleReport, out_dir: Path) -> list[Path]:
    """scale.json, scale.md and the three charts in `out_dir`."""
    report.targets = check_targets(report.sizes)
    paths = list(write_report(out_dir, "scale", report, scale_markdown(report)))
    return paths + scale_charts(report, out_dir)
