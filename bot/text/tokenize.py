"""Japanese + English tokens for BM25: Sudachi split mode A, normalised content words."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

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
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "感動詞"}
_LATIN_WORD = re.compile(r"^[a-z0-9][a-z0-9._+-]*$")
_KEEP_SYMBOL = re.compile(r"^[a-z0-9]")


class _Sudachi:
    _lock = threading.Lock()

    def __init__(self) -> None:
        from sudachipy import Dictionary, SplitMode

        self._tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.A)

    def tokens(self, text: str) -> list[str]:
        out: list[str] = []
        # Sudachi's tokenizer object is not safe to share between threads.
        with self._lock:
            morphemes = list(self._tokenizer.tokenize(text))
            for m in morphemes:
                pos = m.part_of_speech()[0]
                surface = m.surface().strip()
                if not surface:
                    continue
                if pos in _CONTENT_POS or _KEEP_SYMBOL.match(surface):
                    out.append(normalize(m.normalized_form()) if not surface.isascii() else surface.lower())
        return [t for t in out if t and t not in STOPWORDS and not (len(t) == 1 and t.isascii())]


@lru_cache(maxsize=1)
def _sudachi() -> _Sudachi:
    return _Sudachi()


# Sudachi refuses inputs over ~49 KB; questions are capped far below that at the edges, but a
# follow-up adds earlier turns, so cap here too (3 bytes per character in UTF-8).
MAX_TOKENIZE_CHARS = 12_000


def tokenize(text: str) -> list[str]:
    """Content-word tokens of already-normalised or raw text (normalised here again, cheaply)."""
    return _sudachi().tokens(normalize(text)[:MAX_TOKENIZE_CHARS])
