"""A tiny language guess: the FAQ only needs Japanese vs English."""

from __future__ import annotations

import re
import unicodedata

from bot.models import Language

_JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> Language:
    """'en' when the text has Latin letters and no kana/kanji beyond a stray term."""
    text = unicodedata.normalize("NFKC", text)  # full-width Ｅｎｇｌｉｓｈ is English
    ja = len(_JA.findall(text))
    latin = len(_LATIN.findall(text))
    return "en" if latin >= 4 and ja <= latin * 0.1 else "ja"
