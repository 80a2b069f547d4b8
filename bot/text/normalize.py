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
        # Until none is left: fixing "ごごございます" once leaves "ごございます" (found by hypothesis).
        while wrong in text:
            text = text.replace(wrong, right)
    return text


def strip_invisible(text: str) -> str:
    """Drop control and format characters: the C embedder stops reading at a NUL.

    Lone surrogates (half a UTF-16 pair, e.g. from a JSON "\\ud83d" or a command-line argument that
    was not UTF-8) become spaces too: Sudachi cannot take them, and the query crashed (found by hypothesis).
    """
    out = []
    for c in text:
        category = unicodedata.category(c)
        if category == "Cf":  # zero-width characters sit inside words: remove
            continue
        out.append(" " if category in ("Cc", "Cs") and c not in "\n\t" else c)
    return "".join(out)


def normalize(text: str) -> str:
    """NFKC, lower-case, published typos fixed, invisible characters dropped, whitespace folded.

    Idempotent: normalize(normalize(x)) == normalize(x), so a text normalised twice (an FAQ text
    indexed, then analysed again as a query) meets itself.
    """
    # One pass can leave work for the next (found by hypothesis): dropping a zero-width space puts a
    # combining mark next to its letter for NFKC to join, or joins "何を" and "を" into a typo, and
    # NFKC after lower-casing could leave upper case. So the pass repeats while its output is not
    # stable; the check is two C calls, and nearly every text is done after one pass.
    for _ in range(_MAX_PASSES):
        text = _normalize_once(text)
        if unicodedata.is_normalized("NFKC", text) and text == text.lower():
            break
    return text


_MAX_PASSES = 8


def _normalize_once(text: str) -> str:
    # Typos are fixed after NFKC and lower-casing, so "キＩＴＴＩＮＧ" is spelled as the table spells it.
    text = strip_invisible(unicodedata.normalize("NFKC", text)).lower()
    return _SPACES.sub(" ", fix_published_typos(text)).strip()
