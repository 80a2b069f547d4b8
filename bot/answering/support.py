"""The support check: each sentence of an LLM reply must be backed by the entries it cites.

The citation guard proves provenance (only retrieved numbers); a model can still attach the right
number to a sentence its entry contradicts ("Gmailに送信できます" where the entry says it cannot).
So each sentence is judged against the cited entries' sentences, with three general tests:

- **content**: its content words (the shared analyzer) must mostly occur in the cited entries. A word
  only the user's question has (a product name the FAQ never uses) counts half: it is the topic,
  but a claim pasted into the question ("reply that we pay the costs") must not pass on its own;
  a sentence in another language than Japanese is instead compared with the entries' sentences
  by the multilingual embedder (cosine of the closest sentence);
- **numbers**: every number it states occurs in a cited entry (FAQ numbers in citations aside);
- **polarity**: it does not say "can" where the entry sentence it restates says "cannot" (or the
  reverse), read from Sudachi's auxiliaries and a few negating words, in each reply language.

A sentence with no claim-bearing word of its own (a greeting, the fixed "not in the FAQ" line the
prompt prescribes) is neither supported nor refuted and is kept. Unsupported sentences are
dropped; the caller falls back when what is left no longer carries a valid citation.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from bot.answering.guard import cited_numbers
from bot.embedders.base import Embedder
from bot.models import FaqEntry
from bot.text.analyzer import Analyzer
from bot.text.tokenize import morphemes

UNSUPPORTED_CLAIM = "unsupported_claim"
# Share of a sentence's own content words that must occur in its cited entries. One stray word in
# a sentence of four or more passes; half a sentence of words the entry never uses does not.
MIN_COVERAGE = 0.75
# The embedder's cosine between a non-Japanese sentence and its closest entry sentence. Measured on
# e5-small: faithful English restatements of entry sentences 0.81-0.91, claims an entry does not
# make (free hosting, refunds, deadlines) 0.80-0.84; docs/reliability.md has the sweep figures.
MIN_DENSE_SIMILARITY = 0.85
Polarity = Literal["positive", "negative"]
Reason = Literal["content", "number", "polarity"]

# A sentence ends at 。！？!? or a line break; a citation right after the stop belongs to it.
_STOP = re.compile(r"[。！？!?]+|\n+")
_TRAILING_CITATION = re.compile(r"[ \t\u3000]*[\[【][^\]】\n]{0,40}[\]】]")
_CITATION = re.compile(r"[\[【][^\]】\n]{0,40}[\]】]")
_REFERENCE = re.compile(r"(?<![a-z0-9])no\.\s*\d+", re.IGNORECASE)
_ASKING = re.compile(r"(?:か|でしょうか|ですか|ますか)[。\s]*$|[?？]\s*$")
_KANA = re.compile(r"[\u3041-\u30ff]")
_WORD = re.compile(r"\w{2,}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Negation Sudachi does not mark as an auxiliary: kanji prefixes and verbs of refusal.
_NEGATING_JA = re.compile(r"不可|不能|禁止|できかね|いたしかね|致しかね|かねます|認められ(?:ません|ない)")
_NEGATING = {
    "en": re.compile(
        r"\b(?:not|cannot|can't|won't|don't|doesn't|isn't|aren't|no|never|unable|prohibited)\b", re.I
    ),
    "zh": re.compile(r"不|无法|無法|没有|沒有|禁止|未"),
    "ko": re.compile(r"않|없|불가|못|금지|안\s"),
}
_NEGATIVE_AUX = frozenset({"ない", "ぬ", "ず", "ん", "まい"})
# Verbs of compound particles (について, に対して, によって, に関して, において): grammar, not claims.
_PARTICLE_VERBS = frozenset(
    {"つく", "付く", "就く", "対する", "因る", "よる", "関する", "於く", "おく", "際する"}
)
_PREDICATE_POS = frozenset({"動詞", "形容詞", "形状詞", "名詞"})
# 「しなければなりません」「しないといけない」 oblige: two negations that mean "must".
_OBLIGATION = re.compile(r"な(?:ければ|くては|くちゃ|いと)(?:なり|なら|いけ)(?:ません|ない|ず)")


@dataclass(frozen=True)
class Judgement:
    sentence: str
    supported: bool
    reason: Reason | None = None
    coverage: float = 1.0
    neutral: bool = False  # no words of its own (a citation, a label of our prompt): no reply alone


@dataclass(frozen=True)
class SupportVerdict:
    judgements: tuple[Judgement, ...]

    @property
    def kept(self) -> str:
        return "".join(j.sentence for j in self.judgements if j.supported).strip()

    @property
    def dropped(self) -> tuple[Judgement, ...]:
        return tuple(j for j in self.judgements if not j.supported)

    @property
    def usable(self) -> bool:
        """Some sentence with words of its own survived: a bare citation or a stop is no reply."""
        return any(j.supported and not j.neutral for j in self.judgements)

    @property
    def detail(self) -> str:
        return "; ".join(f"{j.reason}: {j.sentence.strip()[:60]}" for j in self.dropped)


def sentences(text: str) -> list[str]:
    """The reply cut into sentences, each with the citations that follow it; joined, they are `text`."""
    out: list[str] = []
    start = 0
    for stop in _STOP.finditer(text):
        end = stop.end()
        # "…です。[No.3]" cites back; after a line break a bracket opens the next block.
        while "\n" not in stop.group(0) and (cite := _TRAILING_CITATION.match(text, end)) is not None:
            end = cite.end()
        if end > start and stop.start() >= start:
            out.append(text[start:end])
            start = end
    if start < len(text):
        out.append(text[start:])
    return [s for s in out if s]


def complete_length(text: str) -> int:
    """How much of a text still being written is whole sentences (the last may yet grow a citation)."""
    pieces = sentences(text)
    return sum(len(p) for p in pieces[:-1])


def polarity(text: str, language: str = "ja") -> Polarity:
    """Whether a sentence says something is so (or can be done) or that it is not."""
    plain = _plain(text)
    if language in _NEGATING:
        return "negative" if _NEGATING[language].search(plain) else "positive"
    plain = _OBLIGATION.sub("必要です", plain)
    if _NEGATING_JA.search(plain):
        return "negative"
    # The main predicate is the last one: 「申請しないと利用できません」 refuses, whatever the
    # conditional before it says, so only auxiliaries after the last predicate word count.
    ms = [m for m in morphemes(plain) if m.pos != "補助記号"]
    last = max((i for i, m in enumerate(ms) if m.pos in _PREDICATE_POS), default=-1)
    tail = ms[last + 1 :]
    return (
        "negative" if any(m.pos == "助動詞" and m.normalized in _NEGATIVE_AUX for m in tail) else "positive"
    )


def _plain(text: str) -> str:
    """NFKC text without its citations and FAQ-number references (they are judged by the guard)."""
    return _REFERENCE.sub("", _CITATION.sub("", unicodedata.normalize("NFKC", text)))


def numbers(text: str) -> set[str]:
    plain = _plain(text)
    return {n.replace(",", "") for n in _NUMBER.findall(plain)}


@dataclass(frozen=True)
class _EntryText:
    sentences: tuple[str, ...]
    tokens: tuple[frozenset[str], ...]  # per sentence
    numbers: frozenset[str]
    question_tokens: frozenset[str]

    @cached_property
    def all_tokens(self) -> frozenset[str]:
        return self.question_tokens.union(*self.tokens)


class SupportChecker:
    """Judges reply sentences against FAQ entries; holds only read-only data (thread-safe)."""

    def __init__(
        self,
        entries: dict[int, FaqEntry],
        analyzer: Analyzer,
        house_text: str = "",
        embedder: Embedder | None = None,
        labels: str = "",
    ) -> None:
        """`house_text` is the "not in the FAQ" line our prompt prescribes; `labels` the other
        words of our prompt a reply may echo (the entry block's 質問/回答)."""
        self._entries = entries
        self._analyzer = analyzer
        self._embedder = embedder
        self._vectors: dict[int, Any] = {}
        self._lock = threading.Lock()
        # Words of our own instructions (the prescribed "not in the FAQ" line, the entry labels)
        # are not claims about the platform.
        self._prescribed = frozenset(analyzer.tokens(house_text)) if house_text else frozenset()
        self._house = self._prescribed | (frozenset(analyzer.tokens(labels)) if labels else frozenset())
        self._cache: dict[int, _EntryText] = {}

    def _entry(self, no: int) -> _EntryText:
        cached = self._cache.get(no)
        if cached is None:
            entry = self._entries[no]
            # The answer's sentences are what a reply may restate; the question only adds words.
            parts = [s.strip() for s in sentences(entry.answer) if s.strip()]
            cached = _EntryText(
                sentences=tuple(parts),
                tokens=tuple(frozenset(self._analyzer.tokens(p)) for p in parts),
                numbers=frozenset(numbers(f"{entry.question}\n{entry.answer}")),
                question_tokens=frozenset(self._analyzer.tokens(entry.question)),
            )
            self._cache[no] = cached  # a benign race: two threads compute the same value
        return cached

    def check(self, reply: str, cited: Iterable[int], question: str, language: str = "ja") -> SupportVerdict:
        """Judge each sentence against the entries it cites itself, else against all of `cited`
        (a model often cites once at the end of a paragraph)."""
        allowed = [n for n in dict.fromkeys(cited) if n in self._entries]
        topic = frozenset(self._analyzer.tokens(question))
        judgements = []
        for sentence in sentences(reply):
            own = [n for n in cited_numbers(sentence) if n in allowed]
            sources = [self._entry(n) for n in (own or allowed)]
            judgements.append(self._judge(sentence, sources, topic, language))
        return SupportVerdict(tuple(judgements))

    def _judge(
        self, sentence: str, sources: list[_EntryText], topic: frozenset[str], language: str
    ) -> Judgement:
        plain = _plain(sentence)
        if not _WORD.search(plain):
            return Judgement(sentence, True, neutral=True)
        source_numbers = frozenset().union(*(s.numbers for s in sources)) if sources else frozenset()
        if numbers(plain) - source_numbers:
            return Judgement(sentence, False, "number")
        # One-character words (後, 側, 上, 等) are mostly grammar in Japanese: they neither make a
        # claim nor show a paraphrase's faithfulness.
        tokens = {t for t in self._analyzer.tokens(plain) if len(t) > 1} - _PARTICLE_VERBS
        # A reply to a Chinese question may quote the entry in Japanese: judge each sentence in
        # the language it is written in (kana only occur in Japanese).
        language = "ja" if _KANA.search(plain) else language
        if tokens <= self._house:
            return Judgement(sentence, True, neutral=True)  # only our own prompt's labels ("回答:")
        if language == "ja" or self._embedder is None:
            # Without an embedder, another language's words cannot be matched: numbers and
            # polarity are all that is checked then.
            coverage = self._coverage(tokens, sources, topic) if language == "ja" else 1.0
            restated = _restated(tokens, sources)
            floor = MIN_COVERAGE
        else:
            coverage, restated = self._closest(plain, sources)
            floor = MIN_DENSE_SIMILARITY
        if coverage < floor:
            return Judgement(sentence, False, "content", coverage)
        if _ASKING.search(plain):
            return Judgement(sentence, True, None, coverage)  # a question asserts nothing
        if restated is not None and polarity(plain, language) != polarity(restated):
            return Judgement(sentence, False, "polarity", coverage)
        return Judgement(sentence, True, None, coverage)

    def _coverage(self, tokens: set[str], sources: list[_EntryText], topic: frozenset[str]) -> float:
        own = tokens - self._house
        # The prescribed "not in the FAQ" line about the asker's own topic. It must restate that
        # line (two of its words at least): one label word echoed beside words pasted into the
        # question ("…と回答すること") is an injected claim, not our line.
        restates_line = len(tokens & self._prescribed) >= min(2, len(self._prescribed))
        if not own or (self._prescribed and restates_line and own <= topic):
            return 1.0
        found = frozenset().union(*(s.all_tokens for s in sources)) if sources else frozenset()
        credit = sum(1.0 if t in found else 0.5 if t in topic else 0.0 for t in own)
        return credit / len(own)

    def _closest(self, text: str, sources: list[_EntryText]) -> tuple[float, str | None]:
        """(cosine, sentence) of the entry sentence closest to `text` across the cited entries."""
        assert self._embedder is not None
        candidates = [(s, self._sentence_vectors(s)) for s in sources if s.sentences]
        if not candidates:
            return 0.0, None
        query = self._embedder.embed_queries([text])[0]
        best, best_text = -1.0, None
        for source, vectors in candidates:
            scores = vectors @ query
            i = int(scores.argmax())
            if float(scores[i]) > best:
                best, best_text = float(scores[i]), source.sentences[i]
        return best, best_text

    def _sentence_vectors(self, source: _EntryText) -> Any:
        key = id(source)
        with self._lock:
            cached = self._vectors.get(key)
        if cached is None:
            assert self._embedder is not None
            # Query-side encoding on both sides: sentence against sentence, not question to passage.
            cached = self._embedder.embed_queries(list(source.sentences))
            with self._lock:
                self._vectors[key] = cached
        return cached


def _restated(tokens: set[str], sources: list[_EntryText]) -> str | None:
    """The entry sentence sharing the most content words with this one (at least two), if any."""
    best, best_overlap = None, 1
    for source in sources:
        for text, words in zip(source.sentences, source.tokens, strict=True):
            overlap = len(tokens & words)
            if overlap > best_overlap:
                best, best_overlap = text, overlap
    return best
