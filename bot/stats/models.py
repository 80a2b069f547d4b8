"""The figures as typed values: what /api/admin/stats and `faqbot stats --json` return."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# How top unanswered questions are grouped (the review queue clusters them with the embedder).
GROUPING = "normalised text: case, spaces and ?？!！。. ignored"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


class Outcomes(_Frozen):
    """Questions (widget + API) and how they ended: answered, abstained ("not in the FAQ"), fallback."""

    questions: int
    answered: int
    abstained: int
    fallback: int
    answered_share: float
    abstained_share: float
    fallback_share: float

    @classmethod
    def of(cls, answered: int, abstained: int, fallback: int) -> Outcomes:
        total = answered + abstained + fallback
        return cls(
            questions=total,
            answered=answered,
            abstained=abstained,
            fallback=fallback,
            answered_share=share(answered, total),
            abstained_share=share(abstained, total),
            fallback_share=share(fallback, total),
        )


class Ratings(_Frozen):
    up: int
    down: int
    rated_share: float = Field(description="rated questions / questions")
    up_rate: float | None = Field(description="👍 / (👍 + 👎); null when nothing was rated")

    @classmethod
    def of(cls, up: int, down: int, questions: int) -> Ratings:
        rated = up + down
        up_rate = share(up, rated) if rated else None
        return cls(up=up, down=down, rated_share=share(rated, questions), up_rate=up_rate)


class DayFigures(_Frozen):
    day: str = Field(description="YYYY-MM-DD, UTC")
    outcomes: Outcomes


class LanguageFigures(_Frozen):
    language: str = Field(description="ja, en, zh, ko; unknown for requests recorded before revision 0003")
    outcomes: Outcomes
    ratings: Ratings


class EntryCount(_Frozen):
    no: int
    question: str | None = Field(description="the entry's question; null when it is not in the loaded FAQ")
    count: int


class QuestionGroup(_Frozen):
    question: str = Field(description="one of the group's questions as asked")
    count: int
    last_asked: str


class Stats(_Frozen):
    days: int
    since: str = Field(description="first day counted, YYYY-MM-DD (UTC)")
    until: str = Field(description="last day counted, YYYY-MM-DD (UTC)")
    totals: Outcomes
    drafts: int = Field(description="support-desk drafts made (not counted as questions)")
    ratings: Ratings
    per_day: tuple[DayFigures, ...] = Field(description="each day of the window, oldest first, with zeros")
    top_cited: tuple[EntryCount, ...]
    top_unanswered: tuple[QuestionGroup, ...]
    unanswered_grouping: str = GROUPING
    by_language: tuple[LanguageFigures, ...]
