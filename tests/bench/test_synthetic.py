"""The synthetic FAQ generator and the vectors that stand in for the embedder at large sizes."""

from __future__ import annotations

import numpy as np
import pytest

from bot.bench.synthetic import (
    BaseVectors,
    SyntheticVectors,
    load_variants,
    noise_sigma,
    synthetic_corpus,
)
from bot.embedders.base import l2_normalize
from bot.index.documents import dense_docs
from bot.ingest import load_entries
from bot.models import FaqEntry
from bot.settings import ROOT
from bot.text.analyzer import Analyzer
from bot.text.synonyms import Synonyms

DATA_DIR = ROOT / "data"


@pytest.fixture(scope="module")
def real() -> list[FaqEntry]:
    return load_entries(DATA_DIR)


@pytest.fixture(scope="module")
def variants() -> dict[str, tuple[str, ...]]:
    return load_variants(DATA_DIR)


def test_same_seed_same_corpus_other_seed_other_corpus(
    real: list[FaqEntry], variants: dict[str, tuple[str, ...]]
) -> None:
    a = synthetic_corpus(real, 150, variants, seed=3)
    b = synthetic_corpus(real, 150, variants, seed=3)
    c = synthetic_corpus(real, 150, variants, seed=4)
    assert a == b
    assert [e.question for e in a.entries] != [e.question for e in c.entries]


def test_numbers_run_1_to_n_and_every_text_is_new(
    real: list[FaqEntry], variants: dict[str, tuple[str, ...]]
) -> None:
    n = 500
    corpus = synthetic_corpus(real, n, variants)
    assert [e.no for e in corpus.entries] == list(range(1, n + 1))
    assert len({e.question for e in corpus.entries}) == n
    assert len({e.answer for e in corpus.entries}) == n
    alts = [q for e in corpus.entries for q in e.alt_questions]
    assert len(set(alts)) == len(alts)


def test_real_entries_come_first_unchanged_and_copies_keep_their_category(
    real: list[FaqEntry], variants: dict[str, tuple[str, ...]]
) -> None:
    corpus = synthetic_corpus(real, 300, variants)
    by_no = {e.no: e for e in corpus.entries}
    assert corpus.entries[: len(real)] == sorted(real, key=lambda e: e.no)
    for e in corpus.entries[len(real) :]:
        base = by_no[corpus.base_of[e.no]]
        assert corpus.base_of[base.no] == base.no
        assert e.category == base.category
        assert e.question != base.question
        assert len(e.alt_questions) == len(base.alt_questions)
    # Round robin over the real entries: each is copied as often as any other, give or take one.
    counts = np.bincount(list(corpus.base_of.values()))[1:]
    assert counts.max() - counts.min() <= 1


def test_fewer_entries_than_the_real_faq_are_its_first_ones(
    real: list[FaqEntry], variants: dict[str, tuple[str, ...]]
) -> None:
    corpus = synthetic_corpus(real, 5, variants)
    assert [e.question for e in corpus.entries] == [e.question for e in sorted(real, key=lambda e: e.no)[:5]]


def test_copies_bring_bm25_vocabulary_of_their_own(
    real: list[FaqEntry], variants: dict[str, tuple[str, ...]]
) -> None:
    analyzer = Analyzer(Synonyms.load(DATA_DIR))
    corpus = synthetic_corpus(real, 200, variants)
    vocab = {t for e in corpus.entries[: len(real)] for t in analyzer.tokens(f"{e.question}\n{e.answer}")}
    for e in corpus.entries[len(real) : len(real) + 20]:
        assert set(analyzer.tokens(e.question)) - vocab, e.question
    # The users' variants of FAQ words appear (synonyms.tsv read backwards).
    users_words = {v for vs in variants.values() for v in vs}
    assert any(any(v in e.answer for v in users_words) for e in corpus.entries[len(real) :])


def test_noise_sigma_puts_vectors_at_the_asked_cosine() -> None:
    dim, cosine = 384, 0.93
    rng = np.random.default_rng(0)
    v = l2_normalize(rng.standard_normal((2000, dim)).astype(np.float32))
    moved = l2_normalize(v + noise_sigma(cosine, dim) * rng.standard_normal(v.shape).astype(np.float32))
    assert float(np.mean(np.sum(v * moved, axis=1))) == pytest.approx(cosine, abs=0.005)


def test_synthetic_vectors_follow_the_text_they_were_made_from(
    real: list[FaqEntry], variants: dict[str, tuple[str, ...]]
) -> None:
    analyzer = Analyzer(Synonyms.load(DATA_DIR))
    base_docs = dense_docs(real, analyzer)
    rng = np.random.default_rng(1)
    base_vectors = l2_normalize(rng.standard_normal((len(base_docs), 64)).astype(np.float32))
    base = BaseVectors(base_docs, base_vectors, np.zeros((0, 64), dtype=np.float32))
    corpus = synthetic_corpus(real, 150, variants)
    docs = dense_docs(corpus.entries, analyzer)
    synth = SyntheticVectors(base, corpus.base_of, noise_sigma(0.95, 64), seed=7)
    vectors = synth.vectors(docs)

    for i, d in enumerate(docs):
        source = base_docs[synth.source(d)]
        assert source.no == corpus.base_of[d.no]
        assert source.field == d.field or not any(b.field == d.field for b in base_docs if b.no == source.no)
        if d.no <= len(real):  # real entries keep their real vectors
            np.testing.assert_allclose(vectors[i], base_vectors[synth.source(d)], atol=1e-6)
    copies = np.array([synth.is_copy(d) for d in docs])
    cos = np.sum(vectors * base_vectors[[synth.source(d) for d in docs]], axis=1)[copies]
    assert float(cos.mean()) == pytest.approx(0.95, abs=0.01)
    # Any batching of the same texts gives the same vectors (the build embeds block by block).
    again = SyntheticVectors(base, corpus.base_of, noise_sigma(0.95, 64), seed=7)
    cut = 1000
    parts = np.vstack([again.vectors(docs[:cut], 0), again.vectors(docs[cut:], cut)])
    np.testing.assert_array_equal(parts, vectors)
