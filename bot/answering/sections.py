"""Split an FAQ answer into its sections and pick the one a question asks about.

Several answers are "it depends" answers: entry 17 has ケース1/2/3 (grow, shrink, add a disk),
others have 【heading】 sections (3, 11, 14, 16, 19, 21, 35, 40, 41). Quoting every case at a user
who asked about one buries the answer, so the extractive writer quotes the matching section and
points to the entry for the rest.

Choosing a section is plain token overlap (the shared bot.text.analyzer, as retrieval uses it),
no per-entry rules: question words found in a section, weighted by how few sections share
them (a word every case mentions says nothing about which case is meant), a word in the heading
counting more. A section is chosen only when it clearly wins; otherwise the whole answer is quoted.
We tried adding the embedder's cosine per section: on these short sections e5-small's margins are
a few hundredths and as often wrong as right, so it only added noise.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.index.documents import HEADING
from bot.models import FaqEntry
from bot.text.analyzer import Analyzer

# A section starts at a line beginning with "ケース1：" or "【…】".
_HEADING = HEADING  # one definition of a heading for indexing and for quoting
_BLANK_RUNS = re.compile(r"\n\s*\n")
# A distinctive word in a heading counts this much more than one in the body.
HEADING_WEIGHT = 2.0
# The winner must beat the runner-up by this much: a distinctive heading word does it, a single
# body word does not (one stray body word would pick 【ベンダーテナント】 for "停止してあるVMを起動するには"
# because that section happens to mention サーバ強制停止).
MIN_MARGIN = 1.5


@dataclass(frozen=True)
class Section:
    heading: str  # "ケース1：既存ディスクの容量を増やす。" or "【物理回線の場合】"
    text: str  # the whole section, heading included, as published


@dataclass(frozen=True)
class SplitAnswer:
    intro: str  # text before the first section (may be empty)
    sections: tuple[Section, ...]

    @property
    def whole(self) -> str:
        # A blank line between cases keeps a whole multi-case answer readable.
        return "\n\n".join(p for p in (self.intro, *(s.text for s in self.sections)) if p)


def split_sections(answer: str) -> SplitAnswer:
    """Intro plus sections; an answer without headings is all intro."""
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in answer.splitlines():
        m = _HEADING.match(line)
        if m:
            sections.append((m.group(1).strip(), [line]))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro.append(line)
    if len(sections) < 2:  # one heading is a label, not a choice between cases
        return SplitAnswer(_BLANK_RUNS.sub("\n\n", answer.strip()), ())
    return SplitAnswer(
        _clean("\n".join(intro)),
        tuple(Section(heading, _clean("\n".join(lines))) for heading, lines in sections),
    )


def _clean(text: str) -> str:
    # Blank lines inside a quoted section only add height in a chat bubble.
    return "\n".join(line for line in text.strip().splitlines() if line.strip())


def _distinct(token: str, sets: list[set[str]]) -> float:
    """1 when only one section has the token, 0 when all do: a shared word says nothing."""
    df = sum(1 for s in sets if token in s)
    return 0.0 if df == 0 else (len(sets) - df) / (len(sets) - 1)


Tokenizer = Callable[[str], list[str]]


class SectionPicker:
    """Chooses the section of an entry's answer a question is about. Thread-safe; caches per entry."""

    def __init__(self, entries: dict[int, FaqEntry], analyzer: Analyzer) -> None:
        self._entries = entries
        self._analyzer = analyzer
        self._cache: dict[int, tuple[SplitAnswer, list[set[str]], list[set[str]]]] = {}
        self._lock = threading.Lock()

    def split(self, no: int) -> SplitAnswer:
        return self._prepared(no)[0]

    def pick(self, no: int, questions: Sequence[str]) -> int | None:
        """Index of the section the question asks about, or None (quote the whole answer).

        `questions` are tried in order (the question itself, then its contextualised form for a
        follow-up); the first that clearly selects a section wins.
        """
        split, _, _ = self._prepared(no)
        if not split.sections:
            return None
        for q in questions:
            if q.strip():
                choice = self._pick_one(no, q)
                if choice is not None:
                    return choice
        return None

    def scores(self, no: int, question: str) -> list[float]:
        """Per-section score (exposed for tests and tuning)."""
        _, body_tokens, heading_tokens = self._prepared(no)
        q_tokens = set(self._analyzer.analyze(question).tokens)
        return [
            sum(
                HEADING_WEIGHT * _distinct(t, heading_tokens) * (t in heading)
                + _distinct(t, body_tokens) * (t in body)
                for t in q_tokens
            )
            for body, heading in zip(body_tokens, heading_tokens, strict=True)
        ]

    def _pick_one(self, no: int, question: str) -> int | None:
        scores = self.scores(no, question)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        best, second = scores[order[0]], scores[order[1]]
        return order[0] if best > 0 and best - second >= MIN_MARGIN else None

    def _prepared(self, no: int) -> tuple[SplitAnswer, list[set[str]], list[set[str]]]:
        with self._lock:
            cached = self._cache.get(no)
        if cached is not None:
            return cached
        split = split_sections(self._entries[no].answer)
        body = [set(self._analyzer.tokens(s.text)) for s in split.sections]
        heading = [set(self._analyzer.tokens(s.heading)) for s in split.sections]
        prepared = (split, body, heading)
        with self._lock:
            self._cache[no] = prepared
        return prepared
