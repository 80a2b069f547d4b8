"""Make an elliptical follow-up ("CPUの場合は？") searchable by adding the previous user turn."""

from __future__ import annotations

import re

from bot.models import Turn

_ELLIPTICAL_JA = re.compile(
    r"^(じゃあ|では|それでは|なら|それ|その|あと|また|ちなみに|で、|では、)|(は|って|だと|なら|の場合)[？?]?$"
)
_ELLIPTICAL_EN = re.compile(
    r"^(and|what about|how about|then|so|also)\b|\b(then|instead|too)\??$", re.IGNORECASE
)
_SHORT = 14


def is_elliptical(question: str) -> bool:
    q = question.strip()
    return len(q) <= _SHORT or bool(_ELLIPTICAL_JA.search(q)) or bool(_ELLIPTICAL_EN.search(q))


def contextualize(question: str, history: tuple[Turn, ...]) -> str | None:
    """The question with the last user turn before it, or None when there is no usable history."""
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous:
        return None
    return f"{previous[-1].strip()} {question.strip()}"
