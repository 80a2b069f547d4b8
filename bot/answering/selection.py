"""Which retrieved entries a reply needs: the best one, plus others that answer what it leaves out.

Retrieval splits a message into parts at sentence level (`Retrieval.parts`), but one sentence often
asks two things ("解約の手続きと、OSのバージョンアップ…それぞれ…", "同姓同名の登録と一次切り分け、それぞれ…").
For such a question the second entry is usually ranked right behind the first. We add it when
(1) the question reads as several questions (a conjunction cue), (2) the entry scores close to the
best, and (3) it covers a topic word of the question that the entries chosen so far do not —
a word few FAQ entries use, so "教える" or "方法" cannot pull in an extra entry.
Without the cue nothing is added: a plain question gets exactly one entry.
"""

from __future__ import annotations

import re

from bot.models import FaqEntry, Hit, Retrieval
from bot.text.analyzer import Analyzer
from bot.text.normalize import normalize

# Cues that one sentence asks several things (checked on the normalised question).
_MULTI_CUE = re.compile(
    r"と、|それぞれ|あと|また[、,]|それと|それとも|併せて|あわせて|および|及び|か、|、.+、|\band\b|\balso\b|;",
)
# Words of asking rather than of topic (Sudachi normalised forms).
_GENERIC = frozenset(
    {
        *("教える", "欲しい", "貰う", "願う", "知る", "頂く", "確認", "方法", "必要", "可能"),
        *("対応", "後", "手続き", "内容", "場合", "利用", "使う", "出来る", "分かる"),
    }
)
_KANA_OR_DIGITS = re.compile(r"[\u3040-\u309f0-9]+")
# An extra entry must score at least this share of the best one.
MIN_RELATIVE_SCORE = 0.55
# A word in more entries than this does not identify a topic.
MAX_ENTRY_FREQUENCY = 6
# Never more entries than this for one question.
MAX_ENTRIES = 3


class EntryChooser:
    """Chooses the entries one question (one `Retrieval` or one of its parts) needs."""

    def __init__(self, entries: dict[int, FaqEntry], analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._tokens = {
            no: set(analyzer.tokens(" ".join([e.question, e.answer, *e.alt_questions, *e.keywords])))
            for no, e in entries.items()
        }
        self._df: dict[str, int] = {}
        for tokens in self._tokens.values():
            for t in tokens:
                self._df[t] = self._df.get(t, 0) + 1

    def choose(self, retrieval: Retrieval) -> list[Hit]:
        """The best hit, plus hits that cover other topics of a many-question sentence."""
        if not retrieval.hits:
            return []
        best = retrieval.hits[0]
        chosen = [best]
        question = normalize(retrieval.query)
        if not _MULTI_CUE.search(question) or best.score <= 0:
            return chosen
        q_tokens = set(self._analyzer.analyze(retrieval.query).tokens)
        covered = q_tokens & self._tokens.get(best.no, set())
        for hit in retrieval.hits[1:4]:
            if len(chosen) >= MAX_ENTRIES or hit.score < MIN_RELATIVE_SCORE * best.score:
                break
            hit_tokens = q_tokens & self._tokens.get(hit.no, set())
            if any(self._is_topic(t) for t in hit_tokens - covered):
                chosen.append(hit)
                covered |= hit_tokens
        return chosen

    def _is_topic(self, token: str) -> bool:
        return (
            token not in _GENERIC
            and not _KANA_OR_DIGITS.fullmatch(token)
            and self._df.get(token, 0) <= MAX_ENTRY_FREQUENCY
        )
