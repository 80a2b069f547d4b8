"""The answer/abstain decision: a small logistic model over retrieval features, plus hard refusals.

One cosine threshold cannot separate in-domain traps ("水道料金") from real questions: e5 scores
bunch together. Combining dense similarity with how much of the question the top entry's words
cover, how much of it the FAQ has never heard of, and whether the two signals agree works better.
The weights are fitted by `faqbot calibrate` on data/calibration.jsonl (not on the eval set).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import DataError
from bot.models import Language
from bot.retrieval.value_types import ValueType, missing_value

ABSTAIN_FILE = "abstain.json"
FEATURES = (
    "dense_top",
    "known_margin",
    "dense_margin",
    "coverage_top",
    "unknown_share",
    "agree",
    "lexical_top",
    "reading_top",
)
# Features that mean the same in every language: only the embedder's. The lexical ones count
# Sudachi tokens of Japanese text and say nothing about a Chinese or Korean question.
DENSE_FEATURES = ("dense_top", "known_margin", "dense_margin")
# Which policy decides for a question in each language.
POLICY_OF: dict[Language, str] = {"ja": "ja", "en": "intl", "zh": "intl", "ko": "intl"}
POLICY_FEATURES = {"ja": FEATURES, "intl": DENSE_FEATURES}

# Requests to change the bot's role are refused whatever they retrieve.
_INJECTION = re.compile(
    r"(指示|命令|ルール|制約|プロンプト).{0,8}(無視|忘れ|破棄)|システムプロンプト|system\s*prompt|"
    r"ignore\s+(all\s+|any\s+|the\s+|your\s+)?(previous|prior|above|earlier)?\s*(instructions|rules|prompts?)|"
    r"disregard\s+(all\s+|your\s+|the\s+)?(previous|prior|above)?\s*(instructions|rules)|"
    r"you\s+are\s+now\s|jailbreak|(developer|admin|debug|god)\s+mode|(管理者|開発者|デバッグ)モード|"
    r"^\W*(system|assistant|developer)\s*[:：\]]|あなたは今から|今からあなたは|ロールプレイ",
    re.IGNORECASE,
)


# Asking the bot to produce something (code, a translation, a poem) is not a question about the FAQ.
_TASK_REQUEST = re.compile(
    r"\b(write|generate|create|compose|translate|summari[sz]e|draft)\b.{0,40}"
    r"\b(code|query|script|function|program|poem|essay|story|song|email|letter|sql|regex|into)\b|"
    r"(コード|プログラム|クエリ|関数|スクリプト|正規表現|SQL|詩|俳句|短歌|小説|作文|歌詞).{0,12}"
    r"(書いて|作って|作成して|生成して|詠んで|考えて)|(翻訳|要約)して",
    re.IGNORECASE,
)


_MENTIONS_COST = re.compile(r"費用|料金|円|有償|無償|無料|課金")
# Reason suffix for "the question asks for a value (amount, date, address…) the entry does not give".
VALUE_NOT_IN_FAQ = "_not_in_faq"


def looks_like_injection(question: str) -> bool:
    return _INJECTION.search(question) is not None


def refusal_reason(question: str, top_entry_text: str) -> str | None:
    """A rule that overrides the model: the question is not one the FAQ can answer, whatever it retrieved."""
    if looks_like_injection(question):
        return "instruction_override"
    if _TASK_REQUEST.search(question):
        return "task_request"
    missing = missing_value(question, top_entry_text)
    # An entry that speaks to the cost at all (free, paid, "ask sales for the fee") answers a price question.
    if missing is ValueType.AMOUNT and _MENTIONS_COST.search(top_entry_text):
        return None
    if missing is not None:
        return f"{missing.value}{VALUE_NOT_IN_FAQ}"
    return None


@dataclass(frozen=True)
class Features:
    dense_top: float
    known_margin: float  # nearest known question minus nearest known out-of-scope question
    dense_margin: float
    coverage_top: float
    unknown_share: float
    agree: float
    lexical_top: float
    reading_top: float

    def vector(self, names: tuple[str, ...] = FEATURES) -> list[float]:
        return [float(getattr(self, f)) for f in names]


@dataclass(frozen=True)
class AbstainPolicy:
    """Logistic model over the named features: answer when its probability reaches the threshold."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    @classmethod
    def default(cls, features: tuple[str, ...] = FEATURES) -> AbstainPolicy:
        # Used until `faqbot calibrate` has run: answer when e5 is fairly sure and words overlap.
        prior = {"dense_top": (4.0, 0.84), "known_margin": (4.0, 0.0), "dense_margin": (2.0, 0.01)}
        prior |= {"coverage_top": (2.0, 0.5), "unknown_share": (-2.0, 0.3), "agree": (0.5, 0.5)}
        return cls(
            features=features,
            weights=tuple(prior.get(f, (0.0, 0.0))[0] for f in features),
            bias=0.0,
            threshold=0.5,
            mean=tuple(prior.get(f, (0.0, 0.0))[1] for f in features),
            scale=(1.0,) * len(features),
        )

    @classmethod
    def from_json(cls, raw: dict[str, Any], where: str) -> AbstainPolicy:
        try:
            policy = cls(
                features=tuple(str(f) for f in raw["features"]),
                weights=tuple(float(v) for v in raw["weights"]),
                bias=float(raw["bias"]),
                threshold=float(raw["threshold"]),
                mean=tuple(float(v) for v in raw["mean"]),
                scale=tuple(float(v) for v in raw["scale"]),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(f"{where} is malformed ({exc}): run `faqbot calibrate`") from exc
        unknown = set(policy.features) - set(FEATURES)
        if unknown:
            raise DataError(
                f"{where} was fitted on other features ({sorted(unknown)}): run `faqbot calibrate`"
            )
        sizes = {len(policy.features), len(policy.weights), len(policy.mean), len(policy.scale)}
        if len(sizes) != 1:
            raise DataError(f"{where} needs one weight, mean and scale per feature: run `faqbot calibrate`")
        return policy

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": self.features,
            "weights": self.weights,
            "bias": self.bias,
            "threshold": self.threshold,
            "mean": self.mean,
            "scale": self.scale,
        }

    def probability(self, f: Features) -> float:
        return self.probability_of(f.vector(self.features))

    def probability_of(self, values: list[float]) -> float:
        z = self.bias
        for w, x, m, s in zip(self.weights, values, self.mean, self.scale, strict=True):
            z += w * (x - m) / s
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class PolicySet:
    """One fitted policy per language group (see POLICY_OF), stored together in data/abstain.json."""

    policies: dict[str, AbstainPolicy]

    @classmethod
    def default(cls) -> PolicySet:
        return cls({name: AbstainPolicy.default(feats) for name, feats in POLICY_FEATURES.items()})

    @classmethod
    def load(cls, data_dir: Path) -> PolicySet:
        path = data_dir / ABSTAIN_FILE
        if not path.is_file():
            return cls.default()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            groups = raw["policies"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path} is malformed ({exc}): run `faqbot calibrate`") from exc
        missing = set(POLICY_FEATURES) - set(groups)
        if missing:
            raise DataError(f"{path} has no policy for {sorted(missing)}: run `faqbot calibrate`")
        return cls(
            {name: AbstainPolicy.from_json(groups[name], f"{path} ({name})") for name in POLICY_FEATURES}
        )

    def to_json(self) -> str:
        return json.dumps({"policies": {k: p.to_dict() for k, p in self.policies.items()}}, indent=2)

    def for_language(self, language: Language) -> AbstainPolicy:
        return self.policies[POLICY_OF[language]]
