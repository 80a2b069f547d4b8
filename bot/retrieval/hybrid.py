"""Hybrid retrieval: dense (e5) + BM25 (Sudachi), fused with weights chosen by the question's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from bot.embedders.base import Embedder
from bot.index.store import LoadedIndex
from bot.models import FaqEntry, Hit, Language, Retrieval, Turn
from bot.retrieval.abstain import AbstainPolicy, Features, refusal_reason
from bot.retrieval.followup import contextualize, is_elliptical
from bot.retrieval.fusion import Scores, convex_combination, reciprocal_rank_fusion
from bot.retrieval.signals import Signals
from bot.text.language import detect_language
from bot.text.normalize import normalize
from bot.text.synonyms import Synonyms
from bot.text.tokenize import tokenize

RetrieverMode = Literal["hybrid", "dense", "bm25"]

# Lexical weight per language: Japanese BM25 helps Japanese questions and hurts English ones.
LEXICAL_WEIGHT: dict[Language, float] = {"ja": 0.5, "en": 0.25}
# How much the previous turn counts when the question is a follow-up.
CONTEXT_WEIGHT = 0.6
_SIGNAL_DEPTH = 5


@dataclass(frozen=True)
class _Scored:
    fused: Scores
    dense: Scores
    dense_question: Scores
    lexical: Scores
    coverage: Scores
    unknown_share: float
    negative: float = 0.0


class HybridRetriever:
    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        synonyms: Synonyms,
        entries: list[FaqEntry],
        policy: AbstainPolicy,
        mode: RetrieverMode = "hybrid",
        fusion: Literal["convex", "rrf"] = "convex",
    ) -> None:
        self._signals = Signals(index, embedder)
        self._nos = np.array(index.entry_nos)
        self._synonyms = synonyms
        self._policy = policy
        self._mode = mode
        self._fusion = fusion
        by_no = {e.no: e for e in entries}
        self._category = [by_no[n].category for n in index.entry_nos]
        self._answer = [by_no[n].answer for n in index.entry_nos]

    @property
    def mode(self) -> RetrieverMode:
        return self._mode

    @property
    def policy(self) -> AbstainPolicy:
        return self._policy

    def _score(self, text: str, language: Language) -> _Scored:
        expanded = self._synonyms.expand(normalize(text))
        tokens = tokenize(expanded)
        lexical, coverage, unknown = self._signals.lexical(tokens)
        if self._mode == "bm25":
            zeros = np.zeros_like(lexical)
            return _Scored(lexical, zeros, zeros, lexical, coverage, unknown)
        dense_scores = self._signals.dense(expanded)
        dense = dense_scores.best
        if self._mode == "dense":
            return _Scored(
                dense, dense, dense_scores.question, lexical, coverage, unknown, dense_scores.negative
            )
        w = LEXICAL_WEIGHT[language]
        if self._fusion == "rrf":
            fused = reciprocal_rank_fusion([dense, lexical], [1.0, w])
        else:
            fused = convex_combination([dense, lexical], [1.0, w])
        return _Scored(fused, dense, dense_scores.question, lexical, coverage, unknown, dense_scores.negative)

    def _scored_for(self, question: str, history: tuple[Turn, ...]) -> tuple[_Scored, str, Language]:
        language = detect_language(question)
        scored = self._score(question, language)
        context = contextualize(question, history) if history and is_elliptical(question) else None
        if context is None:
            return scored, question, language
        ctx = self._score(context, language)
        combined = _Scored(
            scored.fused + CONTEXT_WEIGHT * ctx.fused,
            np.maximum(scored.dense, ctx.dense),
            np.maximum(scored.dense_question, ctx.dense_question),
            scored.lexical + CONTEXT_WEIGHT * ctx.lexical,
            np.maximum(scored.coverage, ctx.coverage),
            min(scored.unknown_share, ctx.unknown_share),
            scored.negative,
        )
        return combined, context, language

    def retrieve(
        self, question: str, k: int = 5, category: str | None = None, history: tuple[Turn, ...] = ()
    ) -> Retrieval:
        scored, search_text, language = self._scored_for(question, history)
        fused = scored.fused.copy()
        if category:
            fused[[c != category for c in self._category]] = -np.inf
        order = [int(i) for i in np.argsort(-fused, kind="stable") if np.isfinite(fused[i])][:k]
        dense_top = set(np.argsort(-scored.dense)[:_SIGNAL_DEPTH].tolist())
        lexical_top = {int(i) for i in np.argsort(-scored.lexical)[:_SIGNAL_DEPTH] if scored.lexical[i] > 0}
        hits = tuple(
            Hit(
                no=int(self._nos[i]),
                score=round(float(fused[i]), 4),
                rank=r,
                dense=round(float(scored.dense[i]), 4) if self._mode != "bm25" else None,
                lexical=round(float(scored.lexical[i]), 4),
                found_by=tuple(
                    name for name, top in (("dense", dense_top), ("lexical", lexical_top)) if i in top
                ),
            )
            for r, i in enumerate(order, start=1)
        )
        answerable, confidence, reason = self._decide(question, scored, order)
        return Retrieval(
            query=question,
            search_text=search_text,
            language=language,
            hits=hits,
            answerable=answerable,
            confidence=round(confidence, 4),
            reason=reason,
        )

    def features(self, scored: _Scored, order: list[int]) -> Features:
        if not order:
            return Features(0.0, -1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        top = order[0]
        dense_sorted = np.sort(scored.dense)[::-1]
        lex_max = float(scored.lexical.max())
        return Features(
            dense_top=float(scored.dense[top]),
            known_margin=float(scored.dense_question.max()) - scored.negative,
            dense_margin=float(dense_sorted[0] - dense_sorted[1]) if len(dense_sorted) > 1 else 0.0,
            coverage_top=float(scored.coverage[top]),
            unknown_share=scored.unknown_share,
            agree=float(int(np.argmax(scored.dense)) == top and int(np.argmax(scored.lexical)) == top),
            lexical_top=float(scored.lexical[top]) / (lex_max + 1.0),
        )

    def _decide(self, question: str, scored: _Scored, order: list[int]) -> tuple[bool, float, str]:
        return self._policy.decide(question, self.features(scored, order), self._top_answer(order))

    def _top_answer(self, order: list[int]) -> str:
        return self._answer[order[0]] if order else ""

    def explain(self, question: str, history: tuple[Turn, ...] = ()) -> tuple[Features, str | None]:
        """The decision's features for one question, and the rule refusing it if any (for calibration)."""
        scored, _, _ = self._scored_for(question, history)
        order = [int(i) for i in np.argsort(-scored.fused, kind="stable")]
        return self.features(scored, order), refusal_reason(question, self._top_answer(order))
