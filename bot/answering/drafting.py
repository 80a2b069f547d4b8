"""Support-desk drafts: a business e-mail reply to an inquiry, one cited paragraph per question.

Retrieval splits the inquiry into its questions (`Retrieval.parts`; greetings and signatures are
dropped there). An inquiry raising one point is retrieved as that point alone, so its paragraph
quotes the point and not the whole mail. Each answerable question gets a paragraph quoting the FAQ
with its citation —
written by the LLM when one is configured and its paragraph passes the guard, extractive
otherwise — and each question the FAQ does not cover gets the explicit "we will confirm" line,
so the desk sees at a glance what still needs a human answer.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.answering.extractive import ExtractiveWriter, Point, label
from bot.answering.llm import LLMWriter
from bot.answering.types import Draft, DraftMode, DraftParagraph
from bot.models import Language, Retrieval
from bot.retrieval.abstain import looks_like_injection
from bot.text.segment import split_questions

OPENING = "お世話になっております。\nお問い合わせいただきました件につきまして、下記のとおりご回答いたします。"
CLOSING = (
    "その他ご不明な点がございましたら、お気軽にお問い合わせください。\n今後ともよろしくお願いいたします。"
)
COVERED = "「{question}」につきましては、FAQに以下のとおり記載がございます。"
REFERENCES = "参考FAQ:"
NOT_COVERED = "「{question}」につきましては、FAQに記載がないため確認のうえ改めてご回答いたします。"

Retrieve = Callable[[str], Retrieval]


class Drafter:
    def __init__(
        self, retrieve: Retrieve, extractive: ExtractiveWriter, llm: LLMWriter | None = None
    ) -> None:
        self._retrieve = retrieve
        self._extractive = extractive
        self._llm = llm

    def draft(self, inquiry: str) -> Draft:
        retrieval = self._retrieve(self._point_text(inquiry))
        parts = retrieval.parts or (retrieval,)
        points = self._extractive.points(retrieval)
        paragraphs = [self._paragraph(part, point) for part, point in zip(parts, points, strict=True)]
        body = "\n\n".join(f"{i}. {p.text}" for i, p in enumerate(paragraphs, start=1))
        citations = tuple({c.no: c for p in paragraphs for c in p.citations}.values())
        sections = [OPENING, body]
        if citations:
            sections.append(self._extractive.sources(citations, "ja").replace("出典:", REFERENCES, 1))
        sections.append(CLOSING)
        return Draft(
            text="\n\n".join(sections),
            paragraphs=tuple(paragraphs),
            citations=citations,
            mode=_draft_mode(paragraphs, llm=self._llm is not None),
        )

    @staticmethod
    def _point_text(inquiry: str) -> str:
        # A mail with several points comes back split into parts; one with a single point is
        # retrieved whole, greeting and signature included, which both blurs the search and
        # quotes the whole mail back. An attempt to override the instructions anywhere in the mail
        # must still reach retrieval, which refuses it, so such a mail is passed on untouched.
        segments = split_questions(inquiry)
        if len(segments) == 1 and not looks_like_injection(inquiry):
            return segments[0]
        return inquiry

    def _paragraph(self, part: Retrieval, point: Point) -> DraftParagraph:
        question = label(part.query)
        if not point.covered:
            return DraftParagraph(
                inquiry=part.query, text=NOT_COVERED.format(question=question), covered=False
            )
        extractive = self._extractive_paragraph(part, point)
        if self._llm is None:
            return extractive
        attempt = self._llm.attempt(part, template="draft_paragraph")
        if not attempt.verdict.ok:
            return extractive.model_copy(
                update={"mode": "fallback", "fallback_reason": attempt.verdict.reason}
            )
        return DraftParagraph(
            inquiry=part.query,
            text=attempt.text,
            citations=self._llm.citations(part, attempt.verdict.cited),
            mode="llm",
        )

    def _extractive_paragraph(self, part: Retrieval, point: Point) -> DraftParagraph:
        lang: Language = "ja"  # drafts are Japanese business mail whatever the inquiry's language
        lines = [COVERED.format(question=label(part.query))]
        lines.extend(self._extractive.block(p, lang) for p in point.passages)
        # Blank lines separate the paragraphs of a mail, so none inside one.
        text = "\n".join(line for block in lines for line in block.splitlines() if line.strip())
        return DraftParagraph(
            inquiry=part.query,
            text=text,
            citations=self._extractive.citations(list(point.passages)),
            mode="extractive",
        )


def _draft_mode(paragraphs: list[DraftParagraph], llm: bool) -> DraftMode:
    modes = {p.mode for p in paragraphs if p.covered}
    if "fallback" in modes:
        return "fallback"
    return "llm" if llm and modes == {"llm"} else "extractive"
