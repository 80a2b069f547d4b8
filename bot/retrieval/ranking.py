"""Ranking: every entry scored by dense, word-BM25 and reading-BM25 signals, fused by language.

Ranking only ranks. Whether the best entry answers the question is decided afterwards
(bot.retrieval.decision) from the `Ranking` this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from bot.embedders.base import Embedder
from bot.index.store import LoadedIndex
from bot.models import Language, Turn
from bot.retrieval.followup import contextualize, is_elliptical
from bot.retrieval.fusion import Scores, convex_combination, reciprocal_rank_fusion, top_positions
from bot.retrieval.signals import Signals, Subset
from bot.text.analyzer import Analysis, Analyzer

RetrieverMode = Literal["hybrid", "dense", "bm25"]

# Weight of (word BM25, reading BM25) beside dense, per language. Japanese BM25 helps Japanese
# questions and hurts English ones; for Chinese and Korean it only adds noise.
LEXICAL_WEIGHT: dict[Language, tuple[float, float]] = {
    "ja": (0.5, 0.25),
    "en": (0.25, 0.0),
    "zh": (0.0, 0.0),
    "ko": (0.0, 0.0),
}
# How much the previous turn counts when the question is a follow-up.
CONTEXT_WEIGHT = 0.6
# Entries a ranking keeps in order: hits, suggestions and multi-question merging look at the top
# few; ordering all of a 100k-entry index would cost more than the search.
ORDER_DEPTH = 50


@dataclass(frozen=True)
class Scored:
    fused: Scores
    dense: Scores
    dense_question: Scores
    lexical: Scores
    reading: Scores
    coverage: Scores
    unknown_share: float
    negative: float = 0.0


@dataclass(frozen=True)
class Ranking:
    analysis: Analysis
    search_text: str
    scored: Scored
    order: tuple[int, ...]  # positions into the index's entry list, best first (ORDER_DEPTH of them)

    @property
    def language(self) -> Language:
        return self.analysis.language


class HybridRanker:
    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        analyzer: Analyzer,
        mode: RetrieverMode = "hybrid",
        fusion: Literal["convex", "rrf"] = "convex",
    ) -> None:
        self._signals = Signals(index, embedder)
        self._analyzer = analyzer
        self.mode = mode
        self._fusion = fusion
        self.entry_nos = np.array(index.entry_nos)

    def subset(self, name: str, positions: np.ndarray) -> Subset:
        return self._signals.subset(name, positions)

    def _score(self, analysis: Analysis, language: Language, subset: Subset | None) -> Scored:
        lex = self._signals.lexical(analysis.tokens)
        reading = self._signals.reading(analysis.readings)
        zeros = np.zeros_like(lex.bm25)
        if self.mode == "bm25":
            fused = convex_combination([lex.bm25, reading], [1.0, 0.5])
            return Scored(fused, zeros, zeros, lex.bm25, reading, lex.coverage, lex.unknown_share)
        dense = self._signals.dense(analysis.dense_texts, subset)
        if self.mode == "dense":
            fused = dense.best
        else:
            w_lex, w_read = LEXICAL_WEIGHT[language]
            lists, weights = [dense.best, lex.bm25, reading], [1.0, w_lex, w_read]
            combine = reciprocal_rank_fusion if self._fusion == "rrf" else convex_combination
            fused = combine(lists, weights)
        return Scored(
            fused,
            dense.best,
            dense.question,
            lex.bm25,
            reading,
            lex.coverage,
            lex.unknown_share,
            dense.negative,
        )

    def rank(
        self,
        question: str,
        history: tuple[Turn, ...] = (),
        category_mask: Scores | None = None,
        subset: Subset | None = None,
    ) -> Ranking:
        """`subset` limits the dense search to a category's vectors; `category_mask` (0 or -inf per
        entry) then keeps the lexical signals to the same entries."""
        analysis = self._analyzer.analyze(question)
        language = analysis.language
        scored = self._score(analysis, language, subset)
        search_text = question
        context = contextualize(question, history) if history and is_elliptical(question) else None
        if context is not None:
            ctx = self._score(self._analyzer.analyze(context), language, subset)
            scored = Scored(
                scored.fused + CONTEXT_WEIGHT * ctx.fused,
                np.maximum(scored.dense, ctx.dense),
                np.maximum(scored.dense_question, ctx.dense_question),
                scored.lexical + CONTEXT_WEIGHT * ctx.lexical,
                scored.reading + CONTEXT_WEIGHT * ctx.reading,
                np.maximum(scored.coverage, ctx.coverage),
                min(scored.unknown_share, ctx.unknown_share),
                scored.negative,
            )
            search_text = context
        fused = scored.fused if category_mask is None else scored.fused + category_mask
        order = tuple(int(i) for i in top_positions(fused, ORDER_DEPTH))
        return Ranking(analysis, search_text, scored, order)
