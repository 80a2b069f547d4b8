"""Answer metrics: do replies cite the right entries, abstain when they should, and fall back how often.

Run through the AnswerService as configured (extractive, or the LLM writer when one is set), so
the numbers describe what users get after the citation guard.

- citation_precision: cited numbers that are expected / all cited numbers (micro; a citation on an
  out-of-scope item is a wrong one).
  citation_precision_in_scope leaves out-of-scope items out (what the writer adds on top of retrieval).
- citation_recall: expected numbers that are cited / all expected numbers (micro, in-scope items).
- abstain_correct: share of items where "replied with the abstain reply" matches "out of scope".
- oos_presented: out-of-scope items whose reply presents an entry as the answer (non-abstain reply
  with citations). Suggestions on an abstain reply do not count: they are never shown as an answer.
- suggestions_as_citations: abstain replies that carry citations (must be 0: a writer bug).
- fallback_rate: share of replies whose LLM text was replaced by the extractive one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from bot.answering.service import AnswerService
from bot.evaluation.dataset import EvalItem

METRICS = (
    "citation_precision",
    "citation_precision_in_scope",
    "citation_recall",
    "abstain_correct",
    "fallback_rate",
)


class AnswerItem(BaseModel):
    id: str
    kind: str
    expected: list[int]
    cited: list[int]
    suggested: list[int]
    mode: str
    fallback_reason: str | None

    @property
    def presents_answer(self) -> bool:
        return self.mode != "abstain" and bool(self.cited)


def run_answers(service: AnswerService, items: Sequence[EvalItem]) -> list[AnswerItem]:
    out: list[AnswerItem] = []
    for item in items:
        _, reply = service.answer(item.question, history=item.history)
        out.append(
            AnswerItem(
                id=item.id,
                kind=item.kind,
                expected=list(item.expected),
                cited=[c.no for c in reply.citations],
                suggested=[c.no for c in reply.suggestions],
                mode=reply.mode,
                fallback_reason=reply.fallback_reason,
            )
        )
    return out


def citation_counts(cited: Sequence[int], expected: Sequence[int]) -> tuple[int, int, int]:
    """(correct citations, citations, expected numbers) for one item."""
    correct = len(set(cited) & set(expected))
    return correct, len(set(cited)), len(set(expected))


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def answer_metrics(items: Sequence[AnswerItem]) -> dict[str, Any]:
    counts = [citation_counts(i.cited, i.expected) for i in items]
    correct = sum(c[0] for c in counts)
    in_scope = [i for i in items if i.expected]
    oos = [i for i in items if not i.expected]
    in_counts = [citation_counts(i.cited, i.expected) for i in items if i.expected]
    return {
        "n": len(items),
        "citation_precision": _ratio(correct, sum(c[1] for c in counts)),
        # The writer's share, without retrieval's false accepts on out-of-scope items.
        "citation_precision_in_scope": _ratio(sum(c[0] for c in in_counts), sum(c[1] for c in in_counts)),
        "citation_recall": _ratio(correct, sum(c[2] for c in counts)),
        "abstain_correct": _ratio(sum((i.mode == "abstain") == (not i.expected) for i in items), len(items)),
        "fallback_rate": _ratio(sum(i.mode == "fallback" for i in items), len(items)),
        "oos_presented": sum(i.presents_answer for i in oos),
        "in_scope_abstained": sum(i.mode == "abstain" for i in in_scope),
        "suggestions_as_citations": sum(i.mode == "abstain" and bool(i.cited) for i in items),
    }


def summarize_answers(items: Sequence[AnswerItem], writer: str) -> dict[str, Any]:
    """Overall metrics, per reply mode and per item kind, fallback reasons, and the items."""
    by_mode: dict[str, list[AnswerItem]] = defaultdict(list)
    by_kind: dict[str, list[AnswerItem]] = defaultdict(list)
    reasons: dict[str, int] = defaultdict(int)
    for i in items:
        by_mode[i.mode].append(i)
        by_kind[i.kind].append(i)
        if i.fallback_reason:
            reasons[i.fallback_reason] += 1
    return {
        "writer": writer,
        **answer_metrics(items),
        "by_mode": {mode: answer_metrics(rs) for mode, rs in sorted(by_mode.items())},
        "by_kind": {kind: answer_metrics(rs) for kind, rs in sorted(by_kind.items())},
        "fallback_reasons": dict(sorted(reasons.items())),
        "oos_presented_ids": [i.id for i in items if not i.expected and i.presents_answer],
        "items": [i.model_dump() for i in items],
    }


def format_table(summary: dict[str, Any]) -> list[str]:
    """Lines for the eval table."""

    def cell(v: Any) -> str:
        return f"{v:>10.3f}" if isinstance(v, float) else f"{'-' if v is None else v:>10}"

    head = f"{'':<14}{'n':>5}  " + "".join(f"{m:>29}" for m in METRICS) + f"{'oos_presented':>15}"
    lines = [f"answers ({summary['writer']} writer):", head]
    rows = [("all", summary), *summary["by_mode"].items()]
    for name, m in rows:
        lines.append(
            f"{name:<14}{m['n']:>5}  "
            + "".join(f"{cell(m[k]):>29}" for k in METRICS)
            + f"{m['oos_presented']:>15}"
        )
    if summary["fallback_reasons"]:
        lines.append(
            "fallback reasons: " + ", ".join(f"{k} {v}" for k, v in summary["fallback_reasons"].items())
        )
    if summary["oos_presented_ids"]:
        lines.append("out-of-scope items answered with an entry: " + ", ".join(summary["oos_presented_ids"]))
    return lines
