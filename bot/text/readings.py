"""Readings: one katakana key per sound, so hiragana-only input, romaji and wrong kanji meet the FAQ.

A user who never converts ("でぃすくのぞうせつ"), types romaji ("disuku no zousetsu") or picks the
wrong homophone ("改選" for "回線") writes the right sounds with the wrong letters. Folding every
text to a reading key — katakana, small kana made large, long vowels dropped however they are
written (ー, ウ after an o-sound, a doubled vowel) — makes those spellings equal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import jaconv

_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
# ヲ stays itself: folded to オ it would vanish as a "long vowel" after an o-sound (ドヲ).
_VARIANTS = str.maketrans({"ヂ": "ジ", "ヅ": "ズ", "ヴ": "ブ"})
_ROWS = {
    "a": "アカガサザタダナハバパマヤラワ",
    "i": "イキギシジチヂニヒビピミリ",
    "u": "ウクグスズツヅヌフブプムユルヴ",
    "e": "エケゲセゼテデネヘベペメレ",
    "o": "オコゴソゾトドノホボポモヨロヲ",
}
_VOWEL_OF = {kana: vowel for vowel, row in _ROWS.items() for kana in row}
_VOWEL_KANA = {"ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o"}
# A vowel that only lengthens the sound before it: サアバア = サーバー, ソウ = ソー, セイ = セー.
_LENGTHENS = {("a", "a"), ("i", "i"), ("u", "u"), ("e", "e"), ("o", "o"), ("o", "u"), ("e", "i")}
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Wapuro "di" is ぢ, but nobody means ぢ: "disuku" is ディスク.
_ROMAJI_DI = re.compile(r"d(?=i)")
_NOT_KANA_WORD = re.compile(r"[a-z]|っ($|[っあいうえおんー])")


def is_kana(char: str) -> bool:
    return _KANA.fullmatch(char) is not None


def to_katakana(text: str) -> str:
    return jaconv.hira2kata(text)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The reading key of kana text, and for each key character the index it came from in `text`.

    Characters that are not kana pass through unchanged (they end kana runs for n-grams).
    """
    out: list[str] = []
    src: list[int] = []
    for i, raw in enumerate(to_katakana(text)):
        if raw in "ーッっ":
            continue
        char = raw.translate(_SMALL).translate(_VARIANTS)
        vowel = _VOWEL_KANA.get(char)
        if vowel and out and (_VOWEL_OF.get(out[-1]) or _VOWEL_KANA.get(out[-1]), vowel) in _LENGTHENS:
            continue
        out.append(char)
        src.append(i)
    return "".join(out), src


def fold(text: str) -> str:
    return fold_with_map(text)[0]


def kana_runs(text: str) -> Iterator[str]:
    """Maximal runs of kana in a reading key (everything else separates them)."""
    yield from (m.group(0) for m in re.finditer(r"[\u30a1-\u30fa]+", text))


def reading_grams(key: str) -> list[str]:
    """Character bigrams and trigrams of each kana run: spelling-independent lexical units."""
    grams: list[str] = []
    for run in kana_runs(key):
        if len(run) == 1:
            grams.append(run)
        for n in (2, 3):
            grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return grams


def romaji_to_kana(text: str, keep: frozenset[str] = frozenset()) -> str | None:
    """Hiragana for Latin-script Japanese ("memori wo fuyashitai"); None when the text is not romaji.

    A word counts as romaji when it converts to kana completely; English words rarely do ("disk",
    "the", "how"). Words in `keep` (acronyms as typed, e.g. "VM") stay as they are and do not count.
    """
    words = _LATIN_WORD.findall(text)
    counted = [w for w in words if w not in keep and len(w) >= 2]
    if not counted:
        return None
    converted = {w: _convert_word(w) for w in counted}
    full = [w for w, kana in converted.items() if kana is not None]
    if len(full) < 0.8 * len(set(counted)) or not any(len(w) >= 4 for w in full):
        return None

    def swap(m: re.Match[str]) -> str:
        kana = converted.get(m.group(0))
        return kana if kana is not None else m.group(0)

    return _LATIN_WORD.sub(swap, text)


def _convert_word(word: str) -> str | None:
    w = _ROMAJI_DI.sub("dh", word.lower())
    kana = jaconv.alphabet2kana(w)
    # jaconv turns stray consonants into っ ("disk" → ぢっっ): a real word has a kana after each っ.
    return None if _NOT_KANA_WORD.search(kana) else kana
