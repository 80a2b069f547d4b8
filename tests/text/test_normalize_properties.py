"""Property tests of normalize: idempotent on any text, so text normalised twice meets itself."""

from __future__ import annotations

import os
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.normalize import PUBLISHED_TYPOS, normalize

# Pieces that make one pass leave work for the next: the typos and their parts, case and width
# variants, zero-width characters between letters and their combining marks, controls, surrogates.
PIECES = st.sampled_from(
    [
        *PUBLISHED_TYPOS, *PUBLISHED_TYPOS.values(), "キ", "ご", "を", "何", "ITTING", "ＩＴＴＩＮＧ", "ｉ",
        "\u200b", "\u200d", "\ufeff", "\u00ad", "\u0301", "\u3099", "ﾞ", "ｶ", "e", "İ", "ß", "ẞ", "ℌ",
        "Ω", "ﬁ", "㍿", "\x00", "\x1c", "\x85", "\u2028", "\ud800", " ", "\u3000", "\n", "\t",
    ]
)  # fmt: skip
TEXT = st.lists(PIECES | st.text(st.characters(codec=None, exclude_categories=()), max_size=4), max_size=16)


# Fixed examples in CI (a red run is reproducible, never a coin toss); new ones on every local run.
IN_CI = "CI" in os.environ


@settings(max_examples=1500, deadline=None, derandomize=IN_CI)
@given(TEXT.map("".join))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=500, deadline=None, derandomize=IN_CI)
@given(TEXT.map("".join))
def test_the_normal_form_is_nfkc_lower_case_trimmed_and_visible(text: str) -> None:
    out = normalize(text)
    assert unicodedata.is_normalized("NFKC", out)
    assert out == out.lower() and out == out.strip() and "  " not in out
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in out)
    assert not any(wrong in out for wrong in PUBLISHED_TYPOS)
    out.encode("utf-8")  # what Sudachi and the embedder read
