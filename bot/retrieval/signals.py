"""Per-entry scores from each signal, for all entries at once (the corpus is small)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.embedders.base import Embedder
from bot.index.documents import FIELD_ANSWER
from bot.index.store import LoadedIndex
from bot.retrieval.fusion import Scores

# Answer passages share words with many questions; a small handicap keeps question-like fields first.
ANSWER_FIELD_PENALTY = 0.02


@dataclass(frozen=True)
class DenseScores:
    best: Scores  # best cosine per entry over all its vectors (answer passages slightly handicapped)
    question: Scores  # best cosine per entry over its question-like vectors only
    negative: float  # best cosine to a known out-of-scope question (0 when there are none)


class Signals:
    def __init__(self, index: LoadedIndex, embedder: Embedder) -> None:
        self._index = index
        self._embedder = embedder
        self._pos = {no: i for i, no in enumerate(index.entry_nos)}
        owner = np.array([self._pos[n] for n in index.dense_owner])
        self._owner = owner
        is_answer = np.array([f == FIELD_ANSWER for f in index.dense_field])
        self._penalty = np.where(is_answer, ANSWER_FIELD_PENALTY, 0.0).astype(np.float32)
        self._is_answer = is_answer
        bm25 = index.bm25
        self._vocab: dict[str, int] = dict(bm25.vocab_dict)
        n_docs = len(index.entry_nos)
        # Document frequency per vocabulary id, from the CSC matrix columns.
        indptr = np.asarray(bm25.scores["indptr"])
        indices = np.asarray(bm25.scores["indices"])
        self._df = np.diff(indptr).astype(np.float64)
        # term x entry incidence, for the IDF coverage of a question by each entry in one product.
        self._term_docs = np.zeros((len(indptr) - 1, n_docs), dtype=np.float64)
        for term_id in range(len(indptr) - 1):
            self._term_docs[term_id, indices[indptr[term_id] : indptr[term_id + 1]]] = 1.0
        self._n_docs = n_docs

    def dense(self, text: str) -> DenseScores:
        q = self._embedder.embed_queries([text])
        n = self._index.dense.ntotal
        sims, ids = self._index.dense.search(q, n)
        per_vec = np.empty(n, dtype=np.float32)
        per_vec[ids[0]] = sims[0]
        best = np.full(self._n_docs, -1.0, dtype=np.float64)
        np.maximum.at(best, self._owner, per_vec - self._penalty)
        question = np.full(self._n_docs, -1.0, dtype=np.float64)
        np.maximum.at(question, self._owner[~self._is_answer], per_vec[~self._is_answer])
        negative = 0.0
        if self._index.negatives.ntotal:
            neg_sims, _ = self._index.negatives.search(q, 1)
            negative = float(neg_sims[0][0])
        return DenseScores(best, question, negative)

    def idf(self, term_id: int | None) -> float:
        df = 0.0 if term_id is None else self._df[term_id]
        return float(np.log(1.0 + (self._n_docs - df + 0.5) / (df + 0.5)))

    def lexical(self, tokens: list[str]) -> tuple[Scores, Scores, float]:
        scores = np.asarray(self._index.bm25.get_scores(tokens), dtype=np.float64) if tokens else None
        if scores is None:
            zeros = np.zeros(self._n_docs)
            return zeros, zeros.copy(), 1.0
        unique = list(dict.fromkeys(tokens))
        ids = [self._vocab.get(t) for t in unique]
        weights = np.array([self.idf(i) for i in ids])
        total = float(weights.sum()) or 1.0
        known = [(i, term_id) for i, term_id in enumerate(ids) if term_id is not None]
        coverage = np.zeros(self._n_docs)
        if known:
            rows = self._term_docs[[term_id for _, term_id in known]]
            coverage = weights[[i for i, _ in known]] @ rows
        unknown = sum(w for i, w in zip(ids, weights, strict=True) if i is None) / total
        return scores, coverage / total, float(unknown)
