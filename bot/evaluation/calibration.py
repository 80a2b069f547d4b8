"""Fit the answer/abstain models: logistic regression on retrieval features, one per language group.

Fitted on calibration sets kept apart from the eval sets, so eval numbers stay honest. So that the
model does not lean on hand-written phrasings existing (a new entry has none), each in-scope item
is also scored on fold engines whose index lacks the enrichment of the item's entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.engine import Engine
from bot.evaluation.dataset import EvalItem
from bot.retrieval.abstain import POLICY_FEATURES, POLICY_OF, AbstainPolicy, PolicySet

_L2 = 0.05
_STEPS = 4000
_LR = 0.1


@dataclass(frozen=True)
class FoldEngine:
    engine: Engine
    stripped: frozenset[int]  # entries whose hand-written phrasings this engine's index lacks


def _fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(_STEPS):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        grad = p - y
        w -= _LR * (x.T @ grad / len(y) + _L2 * w)
        b -= _LR * float(grad.mean())
    return w, b


def _rows(engine: Engine, items: Sequence[EvalItem]) -> list[tuple[str, list[float], float]]:
    rows = []
    for item in items:
        features, refusal, language = engine.retriever.explain(item.question, item.history)
        if refusal is not None:
            continue  # refused by rule, whatever the model says
        group = POLICY_OF[language]
        rows.append((group, features.vector(POLICY_FEATURES[group]), 1.0 if item.expected else 0.0))
    return rows


def _fit_one(
    features: tuple[str, ...], x: np.ndarray, y: np.ndarray, target: float
) -> tuple[AbstainPolicy, str]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    w, b = _fit_logistic((x - mean) / scale, y)
    policy = AbstainPolicy(features, tuple(w.tolist()), b, 0.5, tuple(mean.tolist()), tuple(scale.tolist()))
    probs = np.array([policy.probability_of(list(v)) for v in x])
    pos = np.sort(probs[y == 1])
    # Highest threshold that still answers the target share of in-scope questions.
    cut = int(np.floor((1.0 - target) * len(pos)))
    threshold = float(pos[cut]) - 1e-6 if len(pos) else 0.5
    policy = AbstainPolicy(features, policy.weights, policy.bias, threshold, policy.mean, policy.scale)
    answered = float((probs[y == 1] >= threshold).mean()) if (y == 1).any() else 0.0
    abstained = float((probs[y == 0] < threshold).mean()) if (y == 0).any() else 0.0
    report = (
        f"{int(y.sum())} in-scope rows, {int((y == 0).sum())} out-of-scope rows; threshold {threshold:.3f}; "
        f"answers {answered:.3f} of in-scope, abstains on {abstained:.3f} of out-of-scope"
    )
    return policy, report


def fit_policies(
    engine: Engine, items: list[EvalItem], target_answer: float, folds: Sequence[FoldEngine] = ()
) -> tuple[PolicySet, str]:
    """The fitted policies and a short report of how each does on the calibration rows themselves."""
    rows = _rows(engine, items)
    for i, fold in enumerate(folds):
        about_fold = [it for it in items if set(it.expected) & fold.stripped]
        # Out-of-scope rows on each fold too, spread so every item is scored once more.
        oos = [it for j, it in enumerate(items) if not it.expected and j % len(folds) == i]
        rows += _rows(fold.engine, about_fold + oos)
    policies: dict[str, AbstainPolicy] = {}
    lines = []
    for group, names in POLICY_FEATURES.items():
        mine = [(v, y) for g, v, y in rows if g == group]
        ys = {y for _, y in mine}
        if ys != {0.0, 1.0}:
            policies[group] = AbstainPolicy.default(names)
            lines.append(f"{group}: too few rows of both kinds ({len(mine)}): default policy kept")
            continue
        x = np.array([v for v, _ in mine])
        y = np.array([y for _, y in mine])
        policies[group], report = _fit_one(names, x, y, target_answer)
        lines.append(f"{group}: {report}")
    return PolicySet(policies), "calibration:\n  " + "\n  ".join(lines)
