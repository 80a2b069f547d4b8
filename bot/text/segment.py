"""Split an inquiry (chat message or e-mail) into the questions it asks.

Greetings, self-introductions and sign-offs are dropped; numbered items and sentences that ask
something are kept. A message asking one thing yields one segment.
"""

from __future__ import annotations

import re

_BOILERPLATE = re.compile(
    r"^(いつも)?お世話になって(おり|い)ます|^(大変)?お疲れ様です|^よろしくお願い(いた|致)?します|"
    r"^以上(です|となります)?[。、]?$|^以上、?よろしく|^(何卒|取り急ぎ)|^ご確認.*お願い|^ご回答.*お願い|^お忙しい(ところ|中)|^突然の|"
    r"^(株式会社|有限会社|[\w・ー]+株式会社)|^[-=_＿ー—]{3,}|^(tel|mail|e-mail|電話)[:：]|"
    # "〇〇システムの田中です。" introduces; "VMを2台構築予定です。" (with を/が/に…) states a fact.
    r"^(?!.*たい)[^をがにはでへとも、。？?]{1,20}(です|と申します)。?$|"
    r"^(hello|hi|dear|regards|best regards|thanks|thank you)\b|"
    r"(様|御中|各位)[。、]?$|^(以下|下記)の?[0-9０-９一二三四五六七八九十数]*(点|件)|^(質問|お問い合わせ|ご質問)(です|があります)",
    re.IGNORECASE,
)
_QUESTION_CUE = re.compile(
    r"[？?]|か[。．.]?$|ください|下さい|教えて|知りたい|たい(の|ん)?です|たい[。．.！!]?$|でしょうか|ますか|ですか|"
    r"可能|できる|どう|いつ|誰|どこ|何|\b(how|what|when|where|who|which|can|could|is|are|do|does|will)\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\s*(?:[(（]?\d{1,2}[)）.．、]|[①-⑳]|[・\-*●■◆]|q\d+[.:：]?)\s*", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[。？?！!])\s*")
_MIN_CHARS = 4
# A question this short ("別料金ですか？") continues the one before it rather than asking anew.
_FOLLOW_ON_CHARS = 8


def split_questions(text: str) -> list[str]:
    """The question segments of `text`; the whole text when nothing splits off."""
    segments: list[str] = []
    for raw_line in text.splitlines():
        line = _NUMBERED.sub("", raw_line).strip()
        if not line:
            continue
        for sentence in _SENTENCE_END.split(line):
            s = sentence.strip()
            if len(s) < _MIN_CHARS or _BOILERPLATE.search(s):
                continue
            segments.append(s)
    questions = [s for s in segments if _QUESTION_CUE.search(s)]
    if not questions:
        stripped = text.strip()
        return [stripped] if stripped else []
    return _attach_context(segments, questions)


def _attach_context(segments: list[str], questions: list[str]) -> list[str]:
    # A statement right before a question usually sets its topic ("VMを2台構築予定です。通信制約は？").
    out: list[str] = []
    pending = ""
    for s in segments:
        if s not in questions:
            pending = f"{pending}{s}"
        elif out and not pending and len(s) <= _FOLLOW_ON_CHARS:
            out[-1] = f"{out[-1]}{s}"
        else:
            out.append(f"{pending}{s}" if pending else s)
            pending = ""
    return out  # statements after the last question are sign-offs and signatures
