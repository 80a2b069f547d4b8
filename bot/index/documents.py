"""What gets indexed for each entry: several texts for the dense index, one document per BM25 model.

Everything a new entry needs to be found is derived from the entry itself, so an entry of a
re-published FAQ is searchable on day one: its question, the question without the words every
question shares (水道標準プラットフォーム…), its distinctive keywords, each 【heading】 or ケース
with the question's topic, each answer sentence on its own (a situation described in the asker's
words often matches one sentence, not the whole answer), and answer passages with the question as
context. Hand-written phrasings (data/enrichment.jsonl) only add on top.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.models import FaqEntry
from bot.text.analyzer import Analyzer
from bot.text.normalize import fix_published_typos
from bot.text.tokenize import morphemes

FIELD_QUESTION = "question"
FIELD_TOPIC = "topic"  # derived: the question without the words most questions share
FIELD_KEYWORDS = "keywords"  # derived: the entry's most distinctive words, as a keyword query would
FIELD_HEADING = "heading"  # derived: a 【heading】 or ケース line, with the question's topic
FIELD_SENTENCE = "sentence"  # derived: one answer sentence
FIELD_ALT = "alt"  # hand-written
FIELD_EN = "en"  # hand-written
FIELD_ANSWER = "answer"
# Fields that phrase what the entry is about (for "how close is a known question?").
QUESTION_FIELDS = frozenset({FIELD_QUESTION, FIELD_TOPIC, FIELD_KEYWORDS, FIELD_ALT, FIELD_EN})

_MAX_PASSAGE_CHARS = 220
_MIN_SENTENCE_CHARS = 12
# A word in this share of the questions or more says nothing about any one of them.
_SHARED_SHARE = 0.25
_KEYWORDS = 8
# A section heading: a line opening with "ケース1：…" or "【…】" (the answer writer splits on it too).
HEADING = re.compile(r"^\s*(ケース\s*[0-9０-９]+\s*[：:][^\n]*|【[^】\n]{1,40}】)", re.MULTILINE)
_SENTENCE = re.compile(r"(?<=[。！？!?])|\n")
_NOUNISH = frozenset({"名詞", "接頭辞", "接尾辞"})


@dataclass(frozen=True)
class DenseDoc:
    no: int
    field: str
    text: str


def answer_passages(answer: str) -> list[str]:
    """Split an answer into passages of a few sentences, at paragraph breaks where possible."""
    passages: list[str] = []
    for para in (p.strip() for p in re.split(r"\n\s*\n|\n(?=【|ケース\d)", answer)):
        if not para:
            continue
        buf = ""
        for sentence in re.split(r"(?<=[。\n])", para):
            if buf and len(buf) + len(sentence) > _MAX_PASSAGE_CHARS:
                passages.append(buf.strip())
                buf = ""
            buf += sentence
        if buf.strip():
            passages.append(buf.strip())
    return passages


def answer_sentences(answer: str) -> list[str]:
    out = [s.strip(" \u3000・-") for s in _SENTENCE.split(answer)]
    return [s for s in out if len(s) >= _MIN_SENTENCE_CHARS]


def headings(answer: str) -> list[str]:
    return [m.group(1).strip() for m in HEADING.finditer(answer)]


def corrected(entry: FaqEntry) -> FaqEntry:
    """The entry with the published typos fixed (kept as published for display, fixed for indexing)."""
    return entry.model_copy(
        update={"question": fix_published_typos(entry.question), "answer": fix_published_typos(entry.answer)}
    )


class Derivation:
    """Derived texts need corpus statistics (which words every question shares), so they are made together."""

    def __init__(self, entries: list[FaqEntry], analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        units = [set(_noun_units(e.question)) for e in entries]
        counts = Counter(u for us in units for u in us)
        self._shared = {u for u, c in counts.items() if c >= max(2, _SHARED_SHARE * len(entries))}
        token_sets = {e.no: set(analyzer.tokens(f"{e.question}\n{e.answer}")) for e in entries}
        self._df = Counter(t for ts in token_sets.values() for t in ts)
        self._n = len(entries)

    def topic(self, question: str) -> str:
        text = question
        for unit in sorted(self._shared, key=len, reverse=True):
            text = text.replace(unit, "")
        return re.sub(r"^[のはでにへ、\s『』「」]+", "", text).strip()

    def keywords(self, entry: FaqEntry) -> list[str]:
        # tf-idf over the entry's question (twice) and answer: the words that single it out.
        tf = Counter(self._analyzer.tokens(f"{entry.question}\n{entry.question}\n{entry.answer}"))
        scored = {
            t: c * math.log((self._n + 1) / (self._df.get(t, 0) + 1))
            for t, c in tf.items()
            if not t.isdigit() and len(t) > 1
        }
        return sorted(scored, key=lambda t: -scored[t])[:_KEYWORDS]

    def dense_docs(self, published: FaqEntry) -> list[DenseDoc]:
        e = corrected(published)
        topic = self.topic(e.question)
        docs = [DenseDoc(e.no, FIELD_QUESTION, e.question)]
        if topic and topic != e.question:
            docs.append(DenseDoc(e.no, FIELD_TOPIC, topic))
        docs.append(DenseDoc(e.no, FIELD_KEYWORDS, " ".join(self.keywords(e))))
        docs.extend(DenseDoc(e.no, FIELD_HEADING, f"{topic or e.question} {h}") for h in headings(e.answer))
        docs.extend(DenseDoc(e.no, FIELD_SENTENCE, s) for s in answer_sentences(e.answer))
        docs.extend(DenseDoc(e.no, FIELD_ALT, q) for q in e.alt_questions)
        docs.extend(DenseDoc(e.no, FIELD_EN, q) for q in e.en_questions)
        # The question gives context to each passage: "ケース2: ..." alone says nothing about disks.
        docs.extend(DenseDoc(e.no, FIELD_ANSWER, f"{e.question}\n{p}") for p in answer_passages(e.answer))
        return docs

    def lexical_text(self, published: FaqEntry) -> str:
        """One BM25 document. The question-like fields count twice: they say what the entry is about."""
        e = corrected(published)
        question_side = " ".join(
            [e.question, *headings(e.answer), *e.alt_questions, *e.en_questions, *e.keywords]
        )
        return " ".join([question_side, question_side, e.category, e.answer])


def dense_docs(entries: list[FaqEntry], analyzer: Analyzer) -> list[DenseDoc]:
    derivation = Derivation(entries, analyzer)
    return [d for e in entries for d in derivation.dense_docs(e)]


def lexical_documents(entries: list[FaqEntry], analyzer: Analyzer) -> tuple[list[list[str]], list[list[str]]]:
    """(word tokens, reading n-grams) per entry, in entry order."""
    derivation = Derivation(entries, analyzer)
    words, readings = [], []
    for e in entries:
        w, r = analyzer.document(derivation.lexical_text(e))
        words.append(w or ["<empty>"])
        readings.append(r or ["<empty>"])
    return words, readings


def strip_enrichment(entries: list[FaqEntry], fraction: float) -> tuple[list[FaqEntry], set[int]]:
    """Entries with the hand-written phrasings of an evenly spread `fraction` of them removed.

    What a re-published FAQ's new entries look like on day one; returns the stripped numbers too.
    """
    ordered = sorted(entries, key=lambda e: e.no)
    stripped = {
        e.no for i, e in enumerate(ordered) if math.floor((i + 1) * fraction) > math.floor(i * fraction)
    }
    return [without_enrichment(e) if e.no in stripped else e for e in entries], stripped


def without_enrichment(entry: FaqEntry) -> FaqEntry:
    return entry.model_copy(update={"alt_questions": (), "en_questions": (), "keywords": ()})


def _noun_units(text: str) -> list[str]:
    """Noun compounds of a text as written (水道標準プラットフォーム, クライアント証明書)."""
    units: list[str] = []
    current = ""
    for m in morphemes(text):
        if m.pos in _NOUNISH:
            current += m.surface
        else:
            if current:
                units.append(current)
            current = ""
    if current:
        units.append(current)
    return units
