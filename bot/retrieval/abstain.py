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

from bot.errors import DataError

ABSTAIN_FILE = "abstain.json"
FEATURES = (
    "dense_top",
    "known_margin",
    "dense_margin",
    "coverage_top",
    "unknown_share",
    "agree",
    "lexical_top",
)

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
# A question asking for an amount of money needs an entry that talks about cost at all.
_ASKS_AMOUNT = re.compile(
    r"いくら|幾ら|金額|値段|価格|見積|料金表|月額|年額|単価|"
    r"\bhow much\b.{0,40}\b(cost|charge|pay|fee|price)|"
    r"\bprices?\b|\bpricing\b|\bcosts?\b|\bquotes?\b|\bfees?\b",
    re.IGNORECASE,
)
_MENTIONS_COST = re.compile(r"費用|料金|円|有償|無償|無料|課金")


def looks_like_injection(question: str) -> bool:
    return _INJECTION.search(question) is not None


def refusal_reason(question: str, top_entry_text: str) -> str | None:
    """A rule that overrides the model: the question is not one the FAQ can answer, whatever it retrieved."""
    if looks_like_injection(question):
        return "instruction_override"
    if _TASK_REQUEST.search(question):
        return "task_request"
    if _ASKS_AMOUNT.search(question) and not _MENTIONS_COST.search(top_entry_text):
        return "amount_not_in_faq"
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

    def vector(self) -> list[float]:
        return [getattr(self, f) for f in FEATURES]


@dataclass(frozen=True)
class AbstainPolicy:
    weights: tuple[float, ...]
    bias: float
    threshold: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    @classmethod
    def default(cls) -> AbstainPolicy:
        # Used until `faqbot calibrate` has run: answer when e5 is fairly sure and words overlap.
        return cls(
            weights=(4.0, 4.0, 2.0, 2.0, -2.0, 0.5, 0.0),
            bias=0.0,
            threshold=0.5,
            mean=(0.84, 0.0, 0.01, 0.5, 0.3, 0.5, 0.0),
            scale=(1.0,) * len(FEATURES),
        )

    @classmethod
    def load(cls, data_dir: Path) -> AbstainPolicy:
        path = data_dir / ABSTAIN_FILE
        if not path.is_file():
            return cls.default()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if tuple(raw["features"]) != FEATURES:
                raise DataError(f"{path} was fitted on other features: run `faqbot calibrate`")
            policy = cls(
                weights=tuple(float(v) for v in raw["weights"]),
                bias=float(raw["bias"]),
                threshold=float(raw["threshold"]),
                mean=tuple(float(v) for v in raw["mean"]),
                scale=tuple(float(v) for v in raw["scale"]),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise DataError(f"{path} is malformed ({exc}): run `faqbot calibrate`") from exc
        sizes = {len(policy.weights), len(policy.mean), len(policy.scale)}
        if sizes != {len(FEATURES)}:
            raise DataError(f"{path} needs {len(FEATURES)} weights, means and scales: run `faqbot calibrate`")
        return policy

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": FEATURES,
                "weights": self.weights,
                "bias": self.bias,
                "threshold": self.threshold,
                "mean": self.mean,
                "scale": self.scale,
            },
            indent=2,
        )

    def probability(self, f: Features) -> float:
        return self.probability_of(f.vector())

    def probability_of(self, values: list[float]) -> float:
        z = self.bias
        for w, x, m, s in zip(self.weights, values, self.mean, self.scale, strict=True):
            z += w * (x - m) / s
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def decide(self, question: str, f: Features, top_entry_text: str = "") -> tuple[bool, float, str]:
        """(answerable, confidence, reason)."""
        p = self.probability(f)
        refusal = refusal_reason(question, top_entry_text)
        if refusal is not None:
            return False, min(p, 0.05), refusal
        if p < self.threshold:
            return False, p, "low_confidence"
        return True, p, "ok"
