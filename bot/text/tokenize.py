"""Sudachi morphemes (split mode A) and the content-word tokens BM25 indexes.

Each thread gets its own Sudachi tokenizer (the object is not safe to share, and one global lock
made every request wait for the others); the dictionary itself is loaded once and shared.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any, NamedTuple

from bot.text.normalize import normalize

# Sudachi's normalised forms of function-like verbs and nouns that carry no topic.
STOPWORDS = frozenset(
    (
        "為る 下さる 仕舞う 居る 置く 見る 来る 行く 有る 成る 出来る 行う 致す 頂く 戴く 御座る "
        "御座います 申す 思う 考える 言う 良い 宜しい 様 事 物 者 方 等 為 所 時 場合 際 上 中 内 "
        "以下 下記 上記 其れ 此れ 何 どう 如何 どの どこ どれ 的 何処 何方 彼 私 我々 御社 弊社 "
        "貴社 御 お 様々 達 よう ため こと もの とき ところ ます です the a an is are be to of in "
        "on for and or do does can i we you it what how which please my our your with this that "
        "there any when where who will would could should "
    ).split()
)
CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "感動詞"})
_KEEP_SYMBOL = re.compile(r"^[a-z0-9]")
# Sudachi refuses inputs over ~49 KB; questions are capped far below that at the edges, but a
# follow-up adds earlier turns, so cap here too (3 bytes per character in UTF-8).
MAX_TOKENIZE_CHARS = 12_000


class Morpheme(NamedTuple):
    surface: str
    normalized: str  # Sudachi's normalised form, folded by bot.text.normalize (ASCII lower-cased)
    reading: str  # katakana
    pos: str

    @property
    def is_content(self) -> bool:
        return self.pos in CONTENT_POS or _KEEP_SYMBOL.match(self.surface) is not None

    @property
    def token(self) -> str | None:
        """The BM25 token, or None for function words, stopwords and single ASCII letters."""
        if not self.is_content or not self.normalized:
            return None
        t = self.normalized
        if t in STOPWORDS or (len(t) == 1 and t.isascii()):
            return None
        return t


class _Sudachi:
    def __init__(self) -> None:
        from sudachipy import Dictionary

        self._dictionary = Dictionary(dict="core")
        self._local = threading.local()

    def _tokenizer(self) -> Any:
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            from sudachipy import SplitMode

            tok = self._local.tokenizer = self._dictionary.tokenizer(mode=SplitMode.A)
        return tok

    def morphemes(self, text: str) -> list[Morpheme]:
        out: list[Morpheme] = []
        for m in self._tokenizer().tokenize(text):
            surface = m.surface().strip()
            if not surface:
                continue
            norm = surface.lower() if surface.isascii() else normalize(m.normalized_form())
            out.append(Morpheme(surface, norm, m.reading_form(), m.part_of_speech()[0]))
        return out


@lru_cache(maxsize=1)
def _sudachi() -> _Sudachi:
    return _Sudachi()


def morphemes(text: str) -> list[Morpheme]:
    """Morphemes of normalised text (normalised here again, cheaply)."""
    return _sudachi().morphemes(normalize(text)[:MAX_TOKENIZE_CHARS])


def tokenize(text: str) -> list[str]:
    """Content-word tokens: what BM25 indexes and matches."""
    return [t for m in morphemes(text) if (t := m.token) is not None]


def dictionary_version() -> str:
    from importlib.metadata import version

    return f"sudachipy {version('sudachipy')}, sudachidict-core {version('sudachidict-core')}"
