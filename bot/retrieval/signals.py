"""Per-entry scores from each signal: dense (e5), BM25 over words, BM25 over reading n-grams."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.embedders.base import Embedder
from bot.index.documents import (
    FIELD_ANSWER,
    FIELD_HEADING,
    FIELD_KEYWORDS,
    FIELD_SENTENCE,
    QUESTION_FIELDS,
)
from bot.index.store import LoadedIndex
from bot.retrieval.fusion import Scores

# Answer-side texts share words with many questions; a small handicap keeps question-like fields
# first when both match about equally.
FIELD_PENALTY = {FIELD_ANSWER: 0.02, FIELD_SENTENCE: 0.02, FIELD_HEADING: 0.01, FIELD_KEYWORDS: 0.01}


@dataclass(frozen=True)
class DenseScores:
    best: Scores  # best cosine per entry over all its vectors (answer-side vectors slightly handicapped)
    question: Scores  # best cosine per entry over its question-like vectors only
    negative: float  # best cosine to a known out-of-scope question (0 when there are none)


@dataclass(frozen=True)
class LexicalScores:
    bm25: Scores
    coverage: Scores  # IDF share of the question's words that each entry contains
    unknown_share: float  # IDF share of the question's words no entry contains


class Signals:
    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        self._index = index
        self._embedder = embedder
        pos = {no: i for i, no in enumerate(index.entry_nos)}
        self._owner = np.array([pos[n] for n in index.dense_owner])
        self._penalty = np.array([FIELD_PENALTY.get(f, 0.0) for f in index.dense_field], dtype=np.float32)
        self._is_question = np.array([f in QUESTION_FIELDS for f in index.dense_field])
        self._n_docs = len(index.entry_nos)
        bm25 = index.bm25
        self._vocab: dict[str, int] = dict(bm25.vocab_dict)
        # bm25s keeps a CSC matrix, one column per term: the entries having term t are
        # indices[indptr[t]:indptr[t + 1]]. Kept sparse: a dense term × entry table does not scale.
        self._indptr = np.asarray(bm25.scores["indptr"])
        self._indices = np.asarray(bm25.scores["indices"])
        self._df = np.diff(self._indptr).astype(np.float64)

    def dense(self, texts: Sequence[str]) -> DenseScores:
        """Per entry, the best over all `texts` (a question and its respelled form) and all vectors."""
        q = self._embedder.embed_queries(list(texts))
        n = self._index.dense.ntotal
        sims, ids = self._index.dense.search(q, n)
        best = np.full(self._n_docs, -1.0, dtype=np.float64)
        question = np.full(self._n_docs, -1.0, dtype=np.float64)
        for row in range(len(texts)):
            per_vec = np.empty(n, dtype=np.float32)
            per_vec[ids[row]] = sims[row]
            np.maximum.at(best, self._owner, per_vec - self._penalty)
            np.maximum.at(question, self._owner[self._is_question], per_vec[self._is_question])
        negative = 0.0
        if self._index.negatives.ntotal:
            neg_sims, _ = self._index.negatives.search(q, 1)
            negative = float(neg_sims.max())
        return DenseScores(best, question, negative)

    def idf(self, term_id: int | None) -> float:
        df = 0.0 if term_id is None else self._df[term_id]
        return float(np.log(1.0 + (self._n_docs - df + 0.5) / (df + 0.5)))

    def lexical(self, tokens: Sequence[str]) -> LexicalScores:
        if not tokens:
            zeros = np.zeros(self._n_docs)
            return LexicalScores(zeros, zeros.copy(), 1.0)
        scores = np.asarray(self._index.bm25.get_scores(list(tokens)), dtype=np.float64)
        unique = list(dict.fromkeys(tokens))
        ids = [self._vocab.get(t) for t in unique]
        weights = [self.idf(i) for i in ids]
        total = sum(weights) or 1.0
        coverage = np.zeros(self._n_docs)
        unknown = 0.0
        for term_id, w in zip(ids, weights, strict=True):
            if term_id is None:
                unknown += w
            else:
                coverage[self._indices[self._indptr[term_id] : self._indptr[term_id + 1]]] += w
        return LexicalScores(scores, coverage / total, unknown / total)

    def reading(self, grams: Sequence[str]) -> Scores:
        if not grams:
            return np.zeros(self._n_docs)
        return np.asarray(self._index.bm25_reading.get_scores(list(grams)), dtype=np.float64)
