"""Normalisation applied to both the indexed text and the question, so they meet in one form."""

from __future__ import annotations

import re
import unicodedata

# Typos in the published FAQ: kept as published for display, corrected for indexing.
PUBLISHED_TYPOS = {
    "キitting": "キッティング",
    "ごございます": "ございます",
    "払い出いたします": "払い出しいたします",
    "何をを": "何を",
}
_SPACES = re.compile(r"\s+")


def fix_published_typos(text: str) -> str:
    for wrong, right in PUBLISHED_TYPOS.items():
        text = text.replace(wrong, right)
    return text


def strip_invisible(text: str) -> str:
    """Drop control and format characters: the C embedder stops reading at a NUL."""
    out = []
    for c in text:
        category = unicodedata.category(c)
        if category == "Cf":  # zero-width characters sit inside words: remove
            continue
        out.append(" " if category == "Cc" and c not in "\n\t" else c)
    return "".join(out)


def normalize(text: str) -> str:
    """NFKC, lower-case, published typos fixed, invisible characters dropped, whitespace folded."""
    text = strip_invisible(unicodedata.normalize("NFKC", fix_published_typos(text))).lower()
    return _SPACES.sub(" ", text).strip()
