"""The scale benchmark end to end on small sizes, and synthetic builds against build_index."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.bench.plots import ScaleReport
from bot.bench.scale import run_scale, scale_questions
from bot.bench.synthetic import (
    BaseVectors,
    SyntheticVectors,
    build_synthetic_index,
    load_variants,
    noise_sigma,
    synthetic_corpus,
)
from bot.embedders.base import Embedder
from bot.engine import Engine
from bot.index import data_fingerprint
from bot.index.documents import dense_docs
from bot.ingest import load_entries
from bot.settings import ROOT
from bot.text.analyzer import Analyzer
from bot.text.synonyms import Synonyms

pytestmark = pytest.mark.slow
DATA_DIR = ROOT / "data"
# Lowered so a few hundred entries (~17 texts each) already get the approximate (HNSW) index.
LOW_THRESHOLD = 3000


@pytest.fixture(scope="module")
def scale_run(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> tuple[ScaleReport, Path]:
    out = tmp_path_factory.mktemp("scale_out")
    report = run_scale(
        [48, 300],
        real_embed_up_to=48,
        questions=scale_questions(20),
        out_dir=out,
        embedder=embedder,
        data_dir=DATA_DIR,
        approximate_from=LOW_THRESHOLD,
        repeat=1,
        cosine=0.95,  # calibration embeds a few hundred texts: tested by its own numbers below
        progress=False,
    )
    return report, out


def test_each_size_is_measured_and_the_approximate_index_agrees_with_exact_search(
    scale_run: tuple[ScaleReport, Path],
) -> None:
    report, _ = scale_run
    real, big = report.sizes
    assert (real.entries, real.embedding, real.dense_kind) == (48, "real", "flat")
    assert (big.entries, big.embedding, big.dense_kind) == (300, "synthetic", "hnsw")
    assert big.vectors > LOW_THRESHOLD
    assert real.recall_at_10 is None
    assert big.recall_at_10 is not None and big.recall_at_10 >= 0.9
    assert real.p50_ratio == 1.0 and big.p50_ratio > 0
    for s in report.sizes:
        assert s.disk_mb > 0 and s.peak_rss_mb >= s.rss_mb > 100
        assert s.latency.n == 20 and s.latency.p50_ms <= s.latency.p99_ms
    # Synthetic sizes pay for the embedding they skipped, at the rate measured on the real build.
    assert report.texts_per_s > 0
    assert big.embed_s == pytest.approx(big.vectors / report.texts_per_s, rel=0.01)
    assert big.build_s > big.embed_s


def test_writes_json_markdown_and_three_charts(scale_run: tuple[ScaleReport, Path]) -> None:
    _, out = scale_run
    data = json.loads((out / "scale.json").read_text(encoding="utf-8"))
    assert [s["entries"] for s in data["sizes"]] == [48, 300]
    assert {t["target"]["entries"] for t in data["targets"]} == {10_000, 100_000}
    assert all(t["met"] is None for t in data["targets"])  # neither 10k nor 100k was run
    assert "| 300 |" in (out / "scale.md").read_text(encoding="utf-8")
    for name in ("scale_latency.png", "scale_rss.png", "scale_build.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"


def test_synthetic_build_writes_what_build_index_writes(engine: Engine, tmp_path: Path) -> None:
    """On the real entries (vectors read back from the real build) the two builds must agree."""
    real = load_entries(DATA_DIR)
    analyzer = Analyzer(Synonyms.load(DATA_DIR))
    base = BaseVectors.from_index(dense_docs(real, analyzer), engine.index)
    synth = SyntheticVectors(base, {e.no: e.no for e in real}, 0.0)
    data_hash = data_fingerprint(DATA_DIR)
    made = build_synthetic_index(real, synth, analyzer, engine.embedder.id, tmp_path, data_hash)
    ours = Engine.open(DATA_DIR, tmp_path, engine.embedder, build_if_missing=False).index

    theirs = engine.index
    skip = {"built_at", "build_seconds", "synthetic_vectors"}
    assert {k: v for k, v in ours.meta.items() if k not in skip} == {
        k: v for k, v in theirs.meta.items() if k not in skip
    }
    np.testing.assert_array_equal(ours.dense_owner, theirs.dense_owner)
    np.testing.assert_array_equal(ours.dense_field, theirs.dense_field)
    np.testing.assert_allclose(made.vectors, base.vectors, atol=1e-6)  # re-normalised, otherwise equal
    assert ours.negatives.ntotal == theirs.negatives.ntotal
    for name in ("bm25", "bm25_reading"):
        assert getattr(ours, name).vocab_dict == getattr(theirs, name).vocab_dict
        np.testing.assert_allclose(getattr(ours, name).scores["data"], getattr(theirs, name).scores["data"])


def test_a_real_question_finds_its_entry_or_a_copy_of_it_through_hnsw(engine: Engine, tmp_path: Path) -> None:
    """Catches vectors or BM25 rows attributed to the wrong entry: the answers would be anyone's."""
    real = load_entries(DATA_DIR)
    analyzer = Analyzer(Synonyms.load(DATA_DIR))
    corpus = synthetic_corpus(real, 200, load_variants(DATA_DIR))
    base = BaseVectors.from_index(dense_docs(real, analyzer), engine.index)
    synth = SyntheticVectors(base, corpus.base_of, noise_sigma(0.95, engine.embedder.dim))
    data_hash = data_fingerprint(DATA_DIR, corpus.entries)
    embedder_id = engine.embedder.id
    build_synthetic_index(corpus.entries, synth, analyzer, embedder_id, tmp_path, data_hash, LOW_THRESHOLD)
    synthetic = Engine.open(
        DATA_DIR, tmp_path, engine.embedder, build_if_missing=False, entries=corpus.entries
    )
    assert synthetic.index.meta["dense_kind"] == "hnsw"
    asked = real[::4]  # a dozen, spread over the categories: each question costs a dense search
    found = [corpus.base_of[synthetic.retrieve(e.question).hits[0].no] == e.no for e in asked]
    assert all(found), [e.no for e, ok in zip(asked, found, strict=True) if not ok]
