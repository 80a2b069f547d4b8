"""Which language a question is in: Japanese, English, Chinese or Korean.

Japanese written without kana (keyword queries such as "時刻同期 NTP") must not pass for
Chinese: a text counts as Chinese only when it has Han characters, no kana, and either a
character that Japanese does not use (one outside the Shift_JIS repertoire, as simplified forms
such as 们, 这, 吗 are) or a Chinese function word.
"""

from __future__ import annotations

import re
import unicodedata

from bot.models import Language
from bot.text.readings import romaji_to_kana

_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")
_ZH_FUNCTION = re.compile(r"[吗呢吧么们这那哪怎没还给让说对啊]|什么|怎么|可以|是否|如何|我们|请问")


def _outside_japanese(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return True
    return False


def detect_language(text: str) -> Language:
    text = unicodedata.normalize("NFKC", text)  # full-width Ｅｎｇｌｉｓｈ is English
    hangul = len(_HANGUL.findall(text))
    kana = len(_KANA.findall(text))
    han = _HAN.findall(text)
    if hangul >= 2 and hangul > kana:
        return "ko"
    if not kana and len(han) >= 2 and (any(map(_outside_japanese, han)) or _ZH_FUNCTION.search(text)):
        return "zh"
    latin = len(_LATIN.findall(text))
    if latin < 4 or kana + len(han) > latin * 0.1:
        return "ja"
    # Romaji ("memori wo fuyashitai") is Japanese typed without an IME.
    return "ja" if romaji_to_kana(text) is not None else "en"
