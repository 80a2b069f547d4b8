"""Is a model's reply written in the language the user asked in?

A model may answer a Japanese question in English or Chinese (small models drift to the language
of their instructions or of their training data). The reply is judged by its letters, after the
citations, links and markup tags are taken out: kana for Japanese (Chinese has none), Latin
letters for English, Hangul for Korean, Han without kana for Chinese. One CJK character carries
about as much as three or four Latin letters, so a Japanese reply may hold many product names
(Zabbix, VPN, IPsec) and an English one may quote a Japanese title. While a reply streams in, a
few letters are enough to let it through (the final check still sees all of it), but only a
longer prefix can stop it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.models import Language

WRONG_LANGUAGE = "wrong_language"
# Letters a streamed prefix needs to be shown, and to be stopped: "VPN接続" alone says nothing yet.
MIN_LETTERS_TO_PASS = 4
MIN_LETTERS_TO_STOP = 16

# Not language: citations, links and markup tags (a model may answer in HTML).
_CITATION_OR_LINK = re.compile(r"[\[【][^\]】]{0,40}[\]】]|https?://\S+|<[^<>]{0,200}>", re.IGNORECASE)
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Letters:
    kana: int
    han: int
    hangul: int
    latin: int

    @classmethod
    def of(cls, text: str) -> Letters:
        text = _CITATION_OR_LINK.sub(" ", unicodedata.normalize("NFKC", text))
        return cls(
            kana=len(_KANA.findall(text)),
            han=len(_HAN.findall(text)),
            hangul=len(_HANGUL.findall(text)),
            latin=len(_LATIN.findall(text)),
        )

    @property
    def total(self) -> int:
        return self.kana + self.han + self.hangul + self.latin


def _matches(n: Letters, language: Language) -> bool:
    cjk = n.kana + n.han
    if language == "ja":
        return n.kana * 10 >= cjk and n.kana >= 2 and cjk * 3 >= n.latin and cjk >= n.hangul
    if language == "zh":
        return n.han > 0 and n.kana * 10 <= n.han and n.han * 3 >= n.latin and n.han >= n.hangul
    if language == "ko":
        return n.hangul >= cjk and n.hangul * 3 >= n.latin
    return n.latin >= cjk + n.hangul  # en


def language_verdict(text: str, language: Language, final: bool = False) -> bool | None:
    """True: written in `language`; False: in another; None: too short to tell (unless `final`,
    where a reply with a few letters is judged on them and one with none is left to the guard)."""
    n = Letters.of(text)
    if n.total == 0:
        return True if final else None
    ok = _matches(n, language)
    needed = 0 if final else MIN_LETTERS_TO_PASS if ok else MIN_LETTERS_TO_STOP
    return ok if n.total >= needed else None
