"""The one analysis pipeline: text → normalised, respelled, expanded text, tokens, readings, language.

Indexing, retrieval, answer selection and section picking all see text through an `Analyzer`,
so a question and an entry always meet in the same form. Its `fingerprint` goes into the index's
meta.json: a changed stopword list, typo table, synonym file or dictionary makes the index stale
instead of loading silently with tokens of another kind.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from bot.models import Language
from bot.text.language import detect_language
from bot.text.normalize import PUBLISHED_TYPOS, normalize
from bot.text.readings import fold, reading_grams, romaji_to_kana
from bot.text.synonyms import Synonyms
from bot.text.tokenize import STOPWORDS, Morpheme, dictionary_version, morphemes
from bot.text.vocabulary import Vocabulary

# Bump when the analysis changes in a way the fingerprint cannot see (code, not configuration).
ANALYZER_VERSION = 3
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")
_KATAKANA_LONG = re.compile(r"(?<=[\u30a1-\u30fc]{2})ー(?![\u30a1-\u30fc])")


@dataclass(frozen=True)
class Analysis:
    raw: str
    text: str  # normalised; romaji turned into kana
    respelled: str  # `text` in the FAQ's spelling where its sounds say so (== text when unchanged)
    expanded: str  # respelled text + canonical forms of the synonyms it contains
    language: Language
    tokens: tuple[str, ...]  # content words for BM25 and overlap
    readings: tuple[str, ...]  # reading-key n-grams for the sound-alike BM25

    @property
    def dense_texts(self) -> tuple[str, ...]:
        """What the embedder reads: the expanded text, plus the literal one when respelling changed it."""
        return (self.expanded,) if self.respelled == self.text else (self.expanded, self.text)


@dataclass(frozen=True)
class Analyzer:
    synonyms: Synonyms = field(default_factory=lambda: Synonyms(()))
    vocabulary: Vocabulary | None = None

    def with_vocabulary(self, texts: Iterable[str]) -> Analyzer:
        """This analyzer, respelling questions with the vocabulary of `texts` (the FAQ)."""
        return Analyzer(self.synonyms, Vocabulary.build(normalize(t) for t in texts))

    @cached_property
    def fingerprint(self) -> str:
        config = {
            "version": ANALYZER_VERSION,
            "stopwords": sorted(STOPWORDS),
            "typos": PUBLISHED_TYPOS,
            "synonyms": self.synonyms.pairs,
            "dictionary": dictionary_version(),
        }
        return hashlib.sha256(json.dumps(config, ensure_ascii=False).encode()).hexdigest()[:16]

    def analyze(self, raw: str) -> Analysis:
        """A question (or any text a user wrote)."""
        text = fold_long_vowels(normalize(raw))
        kana = romaji_to_kana(text, keep=frozenset(w.lower() for w in _ACRONYM.findall(raw)))
        if kana is not None:
            text = kana
        language = detect_language(raw) if kana is None else "ja"
        respelled = self.vocabulary.respell(text) if self.vocabulary and language == "ja" else text
        expanded = self.synonyms.expand(respelled)
        ms = morphemes(expanded)
        return Analysis(
            raw=raw,
            text=text,
            respelled=respelled,
            expanded=expanded,
            language=language,
            tokens=_tokens(ms),
            readings=tuple(reading_grams(_reading_key(morphemes(text)))),
        )

    def tokens(self, text: str) -> list[str]:
        """Content words of an FAQ text (no respelling: the FAQ is spelled as the FAQ spells it)."""
        return list(_tokens(morphemes(self.synonyms.expand(fold_long_vowels(normalize(text))))))

    def document(self, text: str) -> tuple[list[str], list[str]]:
        """(tokens, reading n-grams) of an FAQ text, for the two BM25 models."""
        folded = fold_long_vowels(normalize(text))
        tokens = _tokens(morphemes(self.synonyms.expand(folded)))
        return list(tokens), reading_grams(_reading_key(morphemes(folded)))


def fold_long_vowels(text: str) -> str:
    """サーバー and サーバ, ユーザー and ユーザ are one word: drop a katakana word's final ー."""
    return _KATAKANA_LONG.sub("", text)


def _tokens(ms: list[Morpheme]) -> tuple[str, ...]:
    return tuple(t for m in ms if (t := m.token) is not None)


def _reading_key(ms: list[Morpheme]) -> str:
    # Latin words and symbols break the kana runs: "VMのディスク" must not make the gram "ムノ".
    return fold("".join(" " if m.surface.isascii() or m.pos == "補助記号" else m.reading for m in ms))
