"""Answer or abstain: features of a `Ranking`, the language's fitted policy, and the hard rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.retrieval.abstain import Features, PolicySet, refusal_reason
from bot.retrieval.fusion import top_scores
from bot.retrieval.ranking import Ranking


@dataclass(frozen=True)
class Decision:
    answerable: bool
    confidence: float
    reason: str  # "ok", "low_confidence", or the rule that refused


def features(ranking: Ranking) -> Features:
    s, order = ranking.scored, ranking.order
    if not order:
        return Features(0.0, -1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    top = order[0]
    dense_sorted = top_scores(s.dense, 2)
    return Features(
        dense_top=float(s.dense[top]),
        known_margin=float(s.dense_question.max()) - s.negative,
        dense_margin=float(dense_sorted[0] - dense_sorted[1]) if len(dense_sorted) > 1 else 0.0,
        coverage_top=float(s.coverage[top]),
        unknown_share=s.unknown_share,
        agree=float(int(np.argmax(s.dense)) == top and int(np.argmax(s.lexical)) == top),
        # Relative to the best plus one: a weak best match must not look like a strong one.
        lexical_top=float(s.lexical[top]) / (float(s.lexical.max()) + 1.0),
        reading_top=float(s.reading[top]) / (float(s.reading.max()) + 1.0),
    )


class AnswerDecider:
    def __init__(self, policies: PolicySet, answers: list[str]) -> None:
        self.policies = policies
        self._answers = answers  # per index position: the answer text the rules look into

    def top_answer(self, ranking: Ranking) -> str:
        return self._answers[ranking.order[0]] if ranking.order else ""

    def explain(self, question: str, ranking: Ranking) -> tuple[Features, str | None]:
        """The features and the refusing rule, if any (what calibration fits on)."""
        return features(ranking), refusal_reason(question, self.top_answer(ranking))

    def decide(self, question: str, ranking: Ranking) -> Decision:
        f, refusal = self.explain(question, ranking)
        policy = self.policies.for_language(ranking.language)
        p = policy.probability(f)
        if refusal is not None:
            return Decision(False, min(p, 0.05), refusal)
        if p < policy.threshold:
            return Decision(False, p, "low_confidence")
        return Decision(True, p, "ok")
