"""Fit the answer/abstain model: logistic regression on retrieval features, then pick the threshold.

Fitted on a calibration set kept apart from the eval set, so eval numbers stay honest.
"""

from __future__ import annotations

import numpy as np

from bot.engine import Engine
from bot.evaluation.dataset import EvalItem
from bot.retrieval.abstain import AbstainPolicy

_L2 = 0.05
_STEPS = 4000
_LR = 0.1


def _fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(_STEPS):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        grad = p - y
        w -= _LR * (x.T @ grad / len(y) + _L2 * w)
        b -= _LR * float(grad.mean())
    return w, b


def fit_policy(engine: Engine, items: list[EvalItem], target_answer: float) -> tuple[AbstainPolicy, str]:
    """Returns the policy and a short report of how it does on the calibration set itself."""
    feats, labels = [], []
    for item in items:
        features, refusal = engine.retriever.explain(item.question, item.history)
        if refusal is not None:
            continue  # refused by rule, whatever the model says
        feats.append(features.vector())
        labels.append(1.0 if item.expected else 0.0)
    x = np.array(feats)
    y = np.array(labels)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    w, b = _fit_logistic((x - mean) / scale, y)
    policy = AbstainPolicy(tuple(w.tolist()), b, 0.5, tuple(mean.tolist()), tuple(scale.tolist()))

    probs = np.array([policy.probability_of(v) for v in x])
    pos = np.sort(probs[y == 1])
    # Highest threshold that still answers the target share of in-scope questions.
    cut = int(np.floor((1.0 - target_answer) * len(pos)))
    threshold = float(pos[cut]) - 1e-6 if len(pos) else 0.5
    policy = AbstainPolicy(policy.weights, policy.bias, threshold, policy.mean, policy.scale)
    answered = float((probs[y == 1] >= threshold).mean()) if (y == 1).any() else 0.0
    abstained = float((probs[y == 0] < threshold).mean()) if (y == 0).any() else 0.0
    report = (
        f"calibration: {int(y.sum())} in-scope, {int((y == 0).sum())} out-of-scope; "
        f"threshold {threshold:.3f}; "
        f"answers {answered:.3f} of in-scope, abstains on {abstained:.3f} of out-of-scope"
    )
    return policy, report
