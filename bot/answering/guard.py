"""The citation guard: every reply that reaches a user cites only FAQ entries we actually retrieved.

What counts as a citation (after NFKC, so ［No．17］ and ［Ｎｏ．１７］ read as [No.17]):
- bracketed `[No.17]`, `[No. 17]`, `[no17]`, lists `[No.17, No.18]` / `[No.17・18]`, and `【No.17】`:
  these are *citations*; a reply needs at least one valid one.
- a bare `No.17` (dot required) in running text is a *reference*: it does not make a reply cited,
  but an unretrieved number there is treated exactly like an invented citation — a model that
  writes "FAQ No.99 によると" is inventing a source whatever the brackets.
Numbers not retrieved are dropped from the citations; any of them makes the reply unusable
(the text around it is a claim attributed to an entry we never showed), so the caller falls back.
Invisible characters are read through; bidi overrides and isolates make a reply unusable, since its
reader would see the digits in another order than the guard reads them.

A writer may also name `required` entries (the LLM writer passes each question's best hit): a reply
citing none of them cites only entries retrieval ranked lower — a base model that copies a number
from the context block does exactly that, and with retrieval right at rank 1 about 99% of the time
such a reply is far more often wrong than right.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# "No" then an optional dot, then the number: after NFKC, "No．１７" is "No.17".
_NUM = r"no\.?\s*(\d+)"
_BRACKETED = re.compile(
    r"[\[【]\s*(" + _NUM + r"(?:\s*[,、・/]\s*(?:no\.?\s*)?\d+)*)\s*[\]】]", re.IGNORECASE
)
# Bare references need the dot ("No.17"): English "no 24-hour support" is not a reference.
_BARE = re.compile(r"(?<![a-z0-9])no\.\s*(\d+)", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# Unicode's Default_Ignorable_Code_Point that are not format characters (Cf, dropped by category):
# a reader sees nothing, so "[\u034fNo.99]" (a combining grapheme joiner) reads "[No.99]" (found by
# hypothesis: the guard saw no citation there, and so no invented one).
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff]"
)
# Bidi embeddings, overrides and isolates make a reader see another order than the text's:
# "[No.\u202e71\u202c]" is shown as [No.17]. A reply has no use for them.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")

# Fallback reasons the guard itself produces (the generator adds timeout, http_error, ...).
NO_CITATION = "no_citation"
UNRETRIEVED_CITATION = "unretrieved_citation"
EMPTY_REPLY = "empty_reply"
BIDI_CONTROL = "bidi_control"
MISSING_BEST_ENTRY = "missing_best_entry"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    cited: tuple[int, ...]  # valid citations, in order of first appearance
    unretrieved: tuple[int, ...]  # numbers referenced that were not retrieved
    reason: str | None  # None when ok

    @property
    def detail(self) -> str:
        if self.unretrieved:
            return "cites " + ", ".join(f"No.{n}" for n in self.unretrieved) + " which was not retrieved"
        return self.reason or ""


def _fold(text: str) -> str:
    # Invisible characters (zero-width space, joiners, variation selectors) must not hide a number from us.
    folded = _IGNORABLE.sub("", unicodedata.normalize("NFKC", text))
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


def cited_numbers(text: str) -> list[int]:
    """Numbers in bracketed citations, in order of first appearance, without repeats."""
    out: list[int] = []
    for m in _BRACKETED.finditer(_fold(text)):
        for d in _DIGITS.findall(m.group(1)):
            if int(d) not in out:
                out.append(int(d))
    return out


def referenced_numbers(text: str) -> list[int]:
    """Every FAQ number the text mentions, bracketed or bare."""
    folded = _fold(text)
    out = cited_numbers(folded)
    for m in _BARE.finditer(folded):
        if int(m.group(1)) not in out:
            out.append(int(m.group(1)))
    return out


def check(
    text: str, allowed: set[int] | frozenset[int], required: set[int] | frozenset[int] = frozenset()
) -> Verdict:
    """Judge a reply against the entries the writer was given (and must cite one of, if `required`)."""
    if not text.strip():
        return Verdict(False, (), (), EMPTY_REPLY)
    if _BIDI_CONTROL.search(text):
        return Verdict(False, (), (), BIDI_CONTROL)
    cited = tuple(n for n in cited_numbers(text) if n in allowed)
    unretrieved = tuple(n for n in referenced_numbers(text) if n not in allowed)
    if unretrieved:
        return Verdict(False, cited, unretrieved, UNRETRIEVED_CITATION)
    if not cited:
        return Verdict(False, (), (), NO_CITATION)
    if required and not set(cited) & set(required):
        return Verdict(False, cited, (), MISSING_BEST_ENTRY)
    return Verdict(True, cited, (), None)


def safe_prefix_length(text: str) -> int:
    """How much of a partial (streaming) text can be shown without splitting a citation.

    Holds back from the last unclosed bracket, or a trailing "N"/"No"/"No.1" that may become a
    reference, so a number is always judged whole before any of it is shown.
    """
    folded = _fold(text)
    if len(folded) != len(text):  # NFKC changed the length (rare ligatures): be conservative
        return max(0, len(text) - 16)
    cut = len(text)
    opener = max(folded.rfind("["), folded.rfind("【"))
    if (
        opener != -1
        and "]" not in folded[opener:]
        and "】" not in folded[opener:]
        and len(folded) - opener < 40
    ):
        cut = opener
    tail = re.search(r"n(?:o\.?\s*\d*)?$", folded, re.IGNORECASE)
    if tail is not None:
        cut = min(cut, tail.start())
    return cut
