"""Respell a question in the FAQ's own words, by sound: an input method whose dictionary is the FAQ.

Two kinds of input write the right sounds with the wrong letters:
- kana-only text (no IME conversion, or romaji turned into kana): "めもりをふやしたい";
- a wrong homophone from the IME: "改選" where the FAQ says "回線".
Both are respelled from a dictionary built from the FAQ itself (every content word and noun
compound with its reading), so it follows each re-published FAQ with no word list to maintain.
Only words of the FAQ can come out, and only where the reading key matches exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text.readings import fold, fold_with_map
from bot.text.tokenize import Morpheme, morphemes

# Shorter words are too ambiguous ("カイ", "セツ"): three kana of reading at least (ドウキ → key ドキ).
MIN_READING = 3
MIN_KEY = 2
MAX_KEY = 16
_NOUNISH = frozenset({"名詞", "接頭辞", "接尾辞"})
_WORD_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
# A question counts as unconverted when fewer than this share of its hiragana and kanji are kanji
# (katakana does not count: a katakana word was converted on purpose).
_KANJI_SHARE = 0.10


def _is_hiragana(c: str) -> bool:
    return "ぁ" <= c <= "ゖ"


def _is_kanji(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


@dataclass(frozen=True)
class Vocabulary:
    """Reading key → the FAQ's spelling, and the set of the FAQ's normalised words."""

    spellings: dict[str, str]
    words: frozenset[str]

    @classmethod
    def build(cls, texts: Iterable[str]) -> Vocabulary:
        counts: dict[str, Counter[str]] = {}
        words: set[str] = set()

        def add(surface: str, reading: str) -> None:
            key = fold(reading)
            hiragana_only = all(map(_is_hiragana, surface))  # nothing to respell it into
            if len(reading) >= MIN_READING and MIN_KEY <= len(key) <= MAX_KEY and not hiragana_only:
                counts.setdefault(key, Counter())[surface] += 1

        for text in texts:
            ms = morphemes(text)
            words.update(m.normalized for m in ms if m.is_content)
            for m in ms:
                if m.pos in _WORD_POS:
                    add(m.surface, m.reading)
            for run in _noun_runs(ms):
                if len(run) > 1:
                    add("".join(m.surface for m in run), "".join(m.reading for m in run))
        spellings = {key: c.most_common(1)[0][0] for key, c in counts.items()}
        return cls(spellings, frozenset(words))

    def respell(self, text: str) -> str:
        """`text` (normalised) in the FAQ's spelling where its sounds say so; unchanged otherwise."""
        letters = [c for c in text if _is_hiragana(c) or _is_kanji(c)]
        if not letters:
            return text
        if sum(map(_is_kanji, letters)) < _KANJI_SHARE * len(letters):
            return self._respell_kana(text)
        return self._respell_homophones(text)

    def _respell_kana(self, text: str) -> str:
        out: list[str] = []
        i = 0
        while i < len(text):
            if not _is_hiragana(text[i]):
                out.append(text[i])
                i += 1
                continue
            j = i
            while j < len(text) and (_is_hiragana(text[j]) or text[j] == "ー"):
                j += 1
            out.append(self._respell_run(text[i:j]))
            i = j
        return "".join(out)

    def _respell_run(self, run: str) -> str:
        key, src = fold_with_map(run)
        out: list[str] = []
        pos = 0  # in key
        done = 0  # in run
        while pos < len(key):
            for end in range(min(len(key), pos + MAX_KEY), pos + MIN_KEY - 1, -1):
                spelling = self.spellings.get(key[pos:end])
                start = src[pos]
                stop = src[end] if end < len(src) else len(run)
                if spelling is not None and stop - start >= MIN_READING:
                    out.append(run[done:start] + spelling)
                    done, pos = stop, end
                    break
            else:
                pos += 1
        out.append(run[done:])
        return "".join(out)

    def _respell_homophones(self, text: str) -> str:
        ms = morphemes(text)
        replacements: list[tuple[str, str]] = []
        for run in _noun_runs(ms):
            joined = "".join(m.normalized for m in run)
            if joined in self.words or all(m.normalized in self.words for m in run):
                continue
            surface = "".join(m.surface for m in run)
            spelling = self.spellings.get(fold("".join(m.reading for m in run)))
            if spelling is not None and any(map(_is_kanji, surface)):
                replacements.append((surface, spelling))
                continue
            for m in run:
                if m.normalized in self.words or not any(map(_is_kanji, m.surface)):
                    continue
                spelling = self.spellings.get(fold(m.reading))
                if spelling is not None:
                    replacements.append((m.surface, spelling))
        for wrong, right in replacements:
            text = text.replace(wrong, right, 1)
        return text


def _noun_runs(ms: list[Morpheme]) -> list[list[Morpheme]]:
    runs: list[list[Morpheme]] = []
    current: list[Morpheme] = []
    for m in ms:
        if m.pos in _NOUNISH and not m.surface.isascii():
            current.append(m)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs
