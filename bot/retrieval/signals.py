"""Per-entry scores from each signal: dense (e5), BM25 over words, BM25 over reading n-grams."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import faiss
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
# Vectors FAISS returns per query. Up to this many an index is searched exhaustively, so every
# entry gets its true best score; past it the entries not returned share the lowest returned
# score (an upper bound of theirs), which leaves the top of the ranking exact.
DENSE_CANDIDATES = 4096
# An approximate index is searched for fewer: HNSW's cost grows with k, and efSearch >= k.
APPROX_CANDIDATES = 512


def _hnsw_params() -> Any:
    return faiss.SearchParametersHNSW()  # type: ignore[attr-defined]  # missing from faiss's stubs


@dataclass(frozen=True)
class Subset:
    """Entries a search may return (a category), as FAISS search parameters over their vectors."""

    name: str
    positions: np.ndarray  # entry positions, for masking the lexical scores
    n_vectors: int
    params: Any  # faiss.SearchParameters holding an IDSelectorBatch (kept alive here)
    selector: Any


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
        # Vectorised: at 100k entries there are millions of vectors to map to entry positions.
        nos = np.asarray(index.entry_nos, dtype=np.int64)
        position_of = np.full(int(nos.max(initial=0)) + 1, -1, dtype=np.int64)
        position_of[nos] = np.arange(len(nos))
        self._owner = position_of[np.asarray(index.dense_owner)]
        field = np.asarray(index.dense_field)
        self._penalty = np.zeros(len(field), dtype=np.float32)
        for name, penalty in FIELD_PENALTY.items():
            self._penalty[field == name] = penalty
        self._is_question = np.isin(field, list(QUESTION_FIELDS))
        self._n_docs = len(index.entry_nos)
        bm25 = index.bm25
        self._vocab: dict[str, int] = dict(bm25.vocab_dict)
        # bm25s keeps a CSC matrix, one column per term: the entries having term t are
        # indices[indptr[t]:indptr[t + 1]]. Kept sparse: a dense term × entry table does not scale.
        self._indptr = np.asarray(bm25.scores["indptr"])
        self._indices = np.asarray(bm25.scores["indices"])
        self._df = np.diff(self._indptr).astype(np.float64)

    @property
    def approximate(self) -> bool:
        return bool(self._index.meta.get("dense_kind") == "hnsw")

    def subset(self, name: str, positions: np.ndarray) -> Subset:
        vector_ids = np.flatnonzero(np.isin(self._owner, positions)).astype("int64")
        selector = faiss.IDSelectorBatch(vector_ids)
        params = _hnsw_params() if self.approximate else faiss.SearchParameters()
        params.sel = selector
        return Subset(name, positions, len(vector_ids), params, selector)

    def dense(self, texts: Sequence[str], subset: Subset | None = None) -> DenseScores:
        """Per entry, the best over all `texts` (a question and its respelled form) and all vectors."""
        q = self._embedder.embed_queries(list(texts))
        # A query searches a handful of rows: one thread. FAISS's OpenMP default (every core,
        # a per-OS-thread setting) would spin a team per request against the other requests.
        faiss.omp_set_num_threads(1)
        cap = APPROX_CANDIDATES if self.approximate else DENSE_CANDIDATES
        if self._index.dense.ntotal <= cap:
            # Small enough to score every vector: the caller's mask filters, and the scores of a
            # category's entries stay exactly what they are without the filter.
            subset = None
        available = self._index.dense.ntotal if subset is None else subset.n_vectors
        k = max(1, min(available, cap))
        params = None if subset is None else subset.params
        if self.approximate:
            params = params or _hnsw_params()
            params.efSearch = max(k, 64)
        sims, ids = self._index.dense.search(q, k, params=params)
        best = np.full(self._n_docs, -1.0, dtype=np.float64)
        question = np.full(self._n_docs, -1.0, dtype=np.float64)
        for row in range(len(texts)):
            found = ids[row] >= 0
            vid, sim = ids[row][found], sims[row][found]
            if not len(vid):
                continue
            if len(vid) < self._index.dense.ntotal:
                floor = float(sim.min())
                np.maximum(best, floor, out=best)
                np.maximum(question, floor, out=question)
            np.maximum.at(best, self._owner[vid], sim - self._penalty[vid])
            is_q = self._is_question[vid]
            np.maximum.at(question, self._owner[vid[is_q]], sim[is_q])
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
