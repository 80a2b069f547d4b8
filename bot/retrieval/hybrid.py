"""The retriever: rank (bot.retrieval.ranking), then decide (bot.retrieval.decision), as one `Retrieval`."""

from __future__ import annotations

import numpy as np

from bot.models import FaqEntry, Hit, Language, Retrieval, Turn
from bot.retrieval.abstain import Features
from bot.retrieval.decision import AnswerDecider
from bot.retrieval.fusion import top_positions
from bot.retrieval.ranking import HybridRanker, Ranking, RetrieverMode

__all__ = ["HybridRetriever", "RetrieverMode"]
# How deep a signal's own list goes when reporting which signals found a hit.
_SIGNAL_DEPTH = 5


class HybridRetriever:
    def __init__(self, ranker: HybridRanker, decider: AnswerDecider, entries: list[FaqEntry]) -> None:
        self.ranker = ranker
        self.decider = decider
        by_no = {e.no: e for e in entries}
        self._category = np.array([by_no[int(n)].category for n in ranker.entry_nos])
        # Per category: FAISS searches only its vectors, and the lexical scores are masked to it.
        self._subsets = {
            str(c): ranker.subset(str(c), np.flatnonzero(self._category == c)) for c in set(self._category)
        }
        self._masks = {c: np.where(self._category == c, 0.0, -np.inf) for c in self._subsets}

    @property
    def mode(self) -> RetrieverMode:
        return self.ranker.mode

    def retrieve(
        self, question: str, k: int = 5, category: str | None = None, history: tuple[Turn, ...] = ()
    ) -> Retrieval:
        mask, subset = None, None
        if category:
            # An unknown category matches nothing, as the mask over every entry did before.
            mask = self._masks.get(category, np.full(len(self._category), -np.inf))
            subset = self._subsets.get(category)
        ranking = self.ranker.rank(question, history, mask, subset)
        decision = self.decider.decide(question, ranking)
        return Retrieval(
            query=question,
            search_text=ranking.search_text,
            language=ranking.language,
            hits=self._hits(ranking, k),
            answerable=decision.answerable,
            confidence=round(decision.confidence, 4),
            reason=decision.reason,
        )

    def _hits(self, ranking: Ranking, k: int) -> tuple[Hit, ...]:
        s = ranking.scored
        fused = s.fused
        dense_top = {int(i) for i in top_positions(s.dense, _SIGNAL_DEPTH)}
        lexical_top = {int(i) for i in top_positions(s.lexical, _SIGNAL_DEPTH) if s.lexical[i] > 0}
        reading_top = {int(i) for i in top_positions(s.reading, _SIGNAL_DEPTH) if s.reading[i] > 0}
        tops = (("dense", dense_top), ("lexical", lexical_top), ("reading", reading_top))
        return tuple(
            Hit(
                no=int(self.ranker.entry_nos[i]),
                score=round(float(fused[i]), 4),
                rank=r,
                dense=round(float(s.dense[i]), 4) if self.mode != "bm25" else None,
                lexical=round(float(s.lexical[i]), 4),
                found_by=tuple(name for name, top in tops if i in top),
            )
            for r, i in enumerate(ranking.order[:k], start=1)
        )

    def explain(self, question: str, history: tuple[Turn, ...] = ()) -> tuple[Features, str | None, Language]:
        """Features, refusing rule and language of one question (for calibration)."""
        ranking = self.ranker.rank(question, history)
        f, refusal = self.decider.explain(question, ranking)
        return f, refusal, ranking.language
