"""Property tests of the citation guard: what it accepts cites only retrieved entries, however spelled.

The replies are built from parts whose meaning a reader sees (a citation of No.N, or filler with no
number in it), then disguised the ways a model or an attacker could write them: full-width forms,
【】, zero-width and other invisible characters, RTL marks. A reader of the disguised text still sees
"[No.N]"; the guard must see it too.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answering import guard

# Characters a reader does not see: format characters (zero-width space, joiners, word joiner,
# BOM, soft hyphen), the RTL/LTR/Arabic letter marks, and default-ignorable ones that are not
# format characters (combining grapheme joiner, variation selectors, Hangul fillers).
INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u200e", "\u200f", "\u061c",
    "\u034f", "\ufe0f", "\ufe00", "\U000e0100", "\u3164", "\u115f", "\u180b",
]  # fmt: skip
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
# Bidi overrides and isolates change the order a reader sees ("\u202e71" reads "17").
BIDI_CONTROLS = ["\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"]


# Fixed examples in CI (a red run is reproducible, never a coin toss); new ones on every local run.
IN_CI = "CI" in os.environ


def _no_number_inside(c: str) -> bool:
    folded = unicodedata.normalize("NFKC", c)
    return (
        not any(ch.isdigit() or ch.isnumeric() or ch in "[]【】nN.．" for ch in folded)
        and c not in BIDI_CONTROLS
    )


FILLER = st.text(st.characters(codec="utf-8").filter(_no_number_inside), max_size=12) | st.sampled_from(
    ["停止が必要です。", "ディスクの増設は可能です。", " ", "\n", "、", "詳しくは", "参照: "]
)


@dataclass(frozen=True)
class Cited:
    no: int
    text: str


@st.composite
def citations(draw: st.DrawFn, numbers: st.SearchStrategy[int]) -> Cited:
    no = draw(numbers)
    opening, closing = draw(st.sampled_from([("[", "]"), ("［", "］"), ("【", "】")]))
    prefix = draw(st.sampled_from(["No.", "No. ", "no", "No．", "Ｎｏ．", "NO."]))
    digits = str(no) if draw(st.booleans()) else str(no).translate(FULL_WIDTH_DIGITS)
    chars = list(f"{opening}{prefix}{digits}{closing}")
    # Invisible characters anywhere inside, as many as drawn.
    for _ in range(draw(st.integers(0, 3))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(INVISIBLE)))
    return Cited(no, "".join(chars))


@st.composite
def replies(draw: st.DrawFn) -> tuple[str, set[int], list[int]]:
    allowed = draw(st.sets(st.integers(1, 60), min_size=1, max_size=8))
    numbers = st.sampled_from(sorted(allowed)) | st.integers(1, 120)
    parts = draw(st.lists(FILLER | citations(numbers), min_size=1, max_size=8))
    cited = [p.no for p in parts if isinstance(p, Cited)]
    text = "".join(p.text if isinstance(p, Cited) else p for p in parts)
    return text, allowed, cited


@settings(max_examples=400, deadline=None, derandomize=IN_CI)
@given(replies())
def test_an_accepted_reply_cites_only_retrieved_numbers(reply: tuple[str, set[int], list[int]]) -> None:
    text, allowed, cited = reply
    verdict = guard.check(text, allowed)
    if verdict.ok:
        assert set(cited) <= allowed, (text, verdict)
        assert set(verdict.cited) <= allowed
    assert set(verdict.cited) <= set(cited) | allowed


@settings(max_examples=400, deadline=None, derandomize=IN_CI)
@given(replies())
def test_the_guard_reads_every_disguised_citation(reply: tuple[str, set[int], list[int]]) -> None:
    text, allowed, cited = reply
    verdict = guard.check(text, allowed)
    if cited and set(cited) <= allowed:
        assert verdict.ok, (text, verdict)
        assert list(verdict.cited) == list(dict.fromkeys(cited)), text
    else:
        assert not verdict.ok
        assert set(verdict.unretrieved) == set(cited) - allowed or not cited


@settings(max_examples=200, deadline=None, derandomize=IN_CI)
@given(replies(), st.sampled_from(BIDI_CONTROLS), st.integers(0, 10_000))
def test_text_that_a_reader_could_see_reordered_is_never_accepted(
    reply: tuple[str, set[int], list[int]], control: str, at: int
) -> None:
    text, allowed, _ = reply
    at %= len(text) + 1
    assert not guard.check(text[:at] + control + text[at:], allowed).ok
