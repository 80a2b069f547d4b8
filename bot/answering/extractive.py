"""The extractive writer: no LLM, the FAQ's own words, always cited.

A reply is a one-line lead, the part of each needed entry's answer that answers the question
(a whole answer, or the one section asked about with a pointer to the rest), the citation, and
the sources with their links. A message with several questions gets one block per entry; a part
the FAQ does not cover says so. English questions get English framing around the Japanese text
as published (the FAQ has no English version and a paraphrase would no longer be the FAQ).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering.base import Linker
from bot.answering.sections import SectionPicker
from bot.answering.selection import EntryChooser
from bot.models import Citation, Hit, Language, Reply, Retrieval, Turn
from bot.retrieval.abstain import VALUE_NOT_IN_FAQ

ABSTAIN_JA = (
    "申し訳ございません。FAQに該当する情報が見つかりませんでした。"
    "お手数ですが、JECCサポート窓口へお問い合わせください。"
)
ABSTAIN_EN = "Sorry, the FAQ does not cover this question. Please contact the JECC support desk."
ABSTAIN_ZH = "很抱歉，FAQ中没有找到相关信息。请联系JECC支持窗口。"
ABSTAIN_KO = "죄송합니다. FAQ에서 해당 정보를 찾지 못했습니다. JECC 지원 창구로 문의해 주십시오."
ABSTAIN = {"ja": ABSTAIN_JA, "en": ABSTAIN_EN, "zh": ABSTAIN_ZH, "ko": ABSTAIN_KO}
# The question asks for a specific value (a price, a date, an address…) the nearest entry never gives.
VALUE_MISSING = {
    "ja": "申し訳ございません。お問い合わせの具体的な値（金額・日時・アドレス・数量など）は"
    "FAQに記載がございません。関連する内容のFAQを下にご案内いたします。"
    "詳細はJECCサポート窓口へお問い合わせください。",
    "en": "Sorry, the FAQ does not give the specific value you asked for "
    "(an amount, date, address or number). Related FAQ entries are listed below; "
    "please contact the JECC support desk for the details.",
    "zh": "很抱歉，FAQ中没有记载您询问的具体数值（金额、日期、地址、数量等）。"
    "下面列出相关的FAQ，详情请联系JECC支持窗口。",
    "ko": "죄송합니다. 문의하신 구체적인 값(금액·일시·주소·수량 등)은 FAQ에 기재되어 있지 않습니다. "
    "관련 FAQ를 아래에 안내해 드리며, 자세한 내용은 JECC 지원 창구로 문의해 주십시오.",
}
MAX_SUGGESTIONS = 3
_LABEL_CHARS = 60

_JA = {
    "lead": "お問い合わせの件について、FAQに次のとおり記載がございます。",
    "lead_section": "お問い合わせの件は、FAQの「{heading}」の項に該当いたします。",
    "lead_many": "お問い合わせの{n}点について、FAQの記載をご案内いたします。",
    "others": "その他のケース（{others}）については {cite} をご覧ください。",
    "repeated": "こちらは上記 {cite} をご参照ください。",
    "uncovered": "「{question}」については、FAQに該当する記載が見つかりませんでした。"
    "お手数ですが、JECCサポート窓口へお問い合わせください。",
    "sources": "出典:",
    "sep": "／",
}
_EN = {
    "lead": "Here is what the FAQ says (quoted in Japanese, as published):",
    "lead_section": "The FAQ covers this under “{heading}” (quoted in Japanese, as published):",
    "lead_many": "Here is what the FAQ says on each of your {n} points (quoted in Japanese, as published):",
    "others": "For the other cases ({others}), see {cite}.",
    "repeated": "See {cite} above.",
    "uncovered": "“{question}”: the FAQ does not cover this. Please contact the JECC support desk.",
    "sources": "Sources:",
    "sep": " / ",
}


# Chinese and Korean questions: a short lead in the asker's language, the FAQ's text in Japanese.
_ZH = _JA | {
    "lead": "关于您的问题，FAQ的记载如下（日文原文）：",
    "lead_section": "您的问题属于FAQ的“{heading}”部分（日文原文）：",
    "lead_many": "关于您的{n}个问题，FAQ的记载如下（日文原文）：",
    "sources": "出处:",
}
_KO = _JA | {
    "lead": "문의하신 내용에 대해 FAQ에는 다음과 같이 기재되어 있습니다(일본어 원문):",
    "lead_section": "문의하신 내용은 FAQ의 「{heading}」 항목에 해당합니다(일본어 원문):",
    "lead_many": "문의하신 {n}가지에 대해 FAQ의 기재 내용을 안내해 드립니다(일본어 원문):",
    "sources": "출처:",
}
_PHRASES = {"ja": _JA, "en": _EN, "zh": _ZH, "ko": _KO}


def phrases(language: Language) -> dict[str, str]:
    return _PHRASES[language]


def cite(no: int) -> str:
    return f"[No.{no}]"


@dataclass(frozen=True)
class Passage:
    """What we quote from one entry for one question."""

    hit: Hit
    text: str  # as published: the whole answer, or intro + the chosen section
    heading: str | None = None  # the chosen section's heading
    others: tuple[str, ...] = ()  # headings of the sections left out
    repeated: bool = False  # already quoted for an earlier question of the same message


@dataclass(frozen=True)
class Point:
    """One question of the message and the passages that answer it (none: not in the FAQ)."""

    question: str
    passages: tuple[Passage, ...]

    @property
    def covered(self) -> bool:
        return bool(self.passages)


class ExtractiveWriter:
    def __init__(self, linker: Linker, picker: SectionPicker, chooser: EntryChooser) -> None:
        self._linker = linker
        self._picker = picker
        self._chooser = chooser

    @property
    def linker(self) -> Linker:
        return self._linker

    def abstain(self, retrieval: Retrieval) -> Reply:
        """The fixed honest reply; nearest entries go to `suggestions`, never to citations or text."""
        suggestions = tuple(self._linker.citation(h) for h in retrieval.hits[:MAX_SUGGESTIONS])
        value_missing = retrieval.reason.endswith(VALUE_NOT_IN_FAQ)
        return Reply(
            text=(VALUE_MISSING if value_missing else ABSTAIN)[retrieval.language],
            mode="abstain",
            suggestions=suggestions,
            confidence=retrieval.confidence,
            language=retrieval.language,
            search_text=retrieval.search_text,
        )

    def points(self, retrieval: Retrieval) -> list[Point]:
        """One point per question of the message, each with the passages that answer it."""
        seen: set[int] = set()
        out: list[Point] = []
        for part in retrieval.parts or (retrieval,):
            if not part.answerable:
                out.append(Point(part.query, ()))
                continue
            passages = []
            for hit in self._chooser.choose(part):
                passages.append(self.passage(hit, part, repeated=hit.no in seen))
                seen.add(hit.no)
            out.append(Point(part.query, tuple(passages)))
        return out

    def passage(self, hit: Hit, part: Retrieval, repeated: bool = False) -> Passage:
        split = self._picker.split(hit.no)
        # The question itself first: a follow-up's search text also holds the previous turn.
        questions = [part.query] + ([part.search_text] if part.search_text != part.query else [])
        chosen = self._picker.pick(hit.no, questions)
        if chosen is None:
            return Passage(hit, split.whole, repeated=repeated)
        section = split.sections[chosen]
        text = "\n".join(p for p in (split.intro, section.text) if p)
        others = tuple(s.heading for i, s in enumerate(split.sections) if i != chosen)
        return Passage(hit, text, section.heading, others, repeated)

    def write(self, retrieval: Retrieval, history: tuple[Turn, ...] = ()) -> Reply:
        if not retrieval.answerable or not retrieval.hits:
            return self.abstain(retrieval)
        points = self.points(retrieval)
        passages = [p for point in points for p in point.passages]
        if not passages:
            return self.abstain(retrieval)
        lang = retrieval.language
        text = self.render(points, lang)
        citations = self.citations(passages)
        return Reply(
            text=text + "\n\n" + self.sources(citations, lang),
            mode="extractive",
            citations=citations,
            confidence=retrieval.confidence,
            language=lang,
            search_text=retrieval.search_text,
        )

    def citations(self, passages: list[Passage]) -> tuple[Citation, ...]:
        by_no: dict[int, Citation] = {}
        for p in passages:
            by_no.setdefault(p.hit.no, self._linker.citation(p.hit))
        return tuple(by_no.values())

    def render(self, points: list[Point], lang: Language) -> str:
        """Lead plus blocks: one block when one passage answers everything, numbered blocks otherwise."""
        ph = phrases(lang)
        blocks: list[str] = []
        for point in points:
            if not point.covered:
                blocks.append(ph["uncovered"].format(question=label(point.question)))
            blocks.extend(self.block(p, lang) for p in point.passages)
        if len(blocks) == 1:
            only = next(p for point in points for p in point.passages)
            lead = ph["lead_section"].format(heading=bare(only.heading)) if only.heading else ph["lead"]
            return f"{lead}\n\n{blocks[0]}"
        numbered = [f"{i}. {self._title(points, i - 1)}\n{b}" for i, b in enumerate(blocks, start=1)]
        return ph["lead_many"].format(n=len(blocks)) + "\n\n" + "\n\n".join(numbered)

    def _title(self, points: list[Point], index: int) -> str:
        # Number blocks by what they answer: the FAQ question for a quote, the user's words otherwise.
        items: list[str] = []
        for point in points:
            if not point.covered:
                items.append(label(point.question))
            items.extend(self._linker.entries[p.hit.no].question for p in point.passages)
        return items[index]

    def block(self, passage: Passage, lang: Language) -> str:
        ph = phrases(lang)
        c = cite(passage.hit.no)
        if passage.repeated:
            return ph["repeated"].format(cite=c)
        lines = [f"{passage.text} {c}"]
        if passage.others:
            others = ph["sep"].join(bare(h) for h in passage.others)
            lines.append(ph["others"].format(others=others, cite=c))
        return "\n".join(lines)

    def sources(self, citations: tuple[Citation, ...], lang: Language) -> str:
        lines = [phrases(lang)["sources"]]
        lines.extend(f"{cite(c.no)} {c.question}\n{c.link}" for c in citations)
        return "\n".join(lines)


def bare(heading: str) -> str:
    """A heading to quote inside 「」: without its 【】 or closing 。."""
    return heading.strip().removeprefix("【").removesuffix("】").rstrip("。")


_USER_REFERENCE = re.compile(r"([NnＮｎ][OoＯｏ])\s*[.．]\s*([0-9０-９]+)")


def label(question: str) -> str:
    """A user's question shortened to quote it back on one line.

    "No.3" typed by the user is defused ("No 3"): quoted back, it must not read as our citation.
    """
    one_line = _USER_REFERENCE.sub(r"\1 \2", " ".join(question.split()))
    return one_line if len(one_line) <= _LABEL_CHARS else one_line[: _LABEL_CHARS - 1] + "…"
