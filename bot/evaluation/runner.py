"""Run an eval set through the engine and summarise, in the JSON contract of DESIGN.md."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel

from bot.engine import Engine
from bot.evaluation.dataset import EvalItem
from bot.evaluation.metrics import (
    all_at,
    first_rank,
    hit_at,
    mean,
    ndcg_at,
    reciprocal_rank,
)

DEPTH = 10


class ItemResult(BaseModel):
    id: str
    kind: str
    question: str
    expected: list[int]
    ranked: list[int]
    abstained: bool
    confidence: float
    first_rank: int | None
    language: str = "ja"


def run_items(engine: Engine, items: list[EvalItem]) -> list[ItemResult]:
    out: list[ItemResult] = []
    for item in items:
        r = engine.retrieve(item.question, k=DEPTH, history=item.history)
        ranked = r.numbers
        out.append(
            ItemResult(
                id=item.id,
                kind=item.kind,
                question=item.question,
                expected=list(item.expected),
                ranked=ranked,
                abstained=not r.answerable,
                confidence=r.confidence,
                first_rank=first_rank(ranked, item.expected) if item.expected else None,
                language=item.lang or r.language,
            )
        )
    return out


def _retrieval_metrics(results: list[ItemResult]) -> dict[str, float]:
    ins = [r for r in results if r.expected]
    multi = [r for r in ins if len(r.expected) > 1]
    oos = [r for r in results if not r.expected]
    return {
        "recall@1": mean([hit_at(r.ranked, r.expected, 1) for r in ins]),
        "recall@3": mean([hit_at(r.ranked, r.expected, 3) for r in ins]),
        "recall@5": mean([hit_at(r.ranked, r.expected, 5) for r in ins]),
        "mrr": mean([reciprocal_rank(r.ranked, r.expected) for r in ins]),
        "ndcg@10": mean([ndcg_at(r.ranked, r.expected, 10) for r in ins]),
        "all_expected@5": mean([all_at(r.ranked, r.expected, 5) for r in multi]),
        "abstain_oos": mean([float(r.abstained) for r in oos]),
        "answer_in_scope": mean([float(not r.abstained) for r in ins]),
    }


def summarize(results: list[ItemResult], retriever: str) -> dict[str, Any]:
    by_kind: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    summary: dict[str, Any] = {
        "retriever": retriever,
        "n": len(results),
        "n_in_scope": sum(1 for r in results if r.expected),
        "n_out_of_scope": sum(1 for r in results if not r.expected),
        "n_multi": sum(1 for r in results if len(r.expected) > 1),
    }
    summary.update({k: round(v, 4) for k, v in _retrieval_metrics(results).items()})
    summary["by_kind"] = {
        kind: {"n": len(rs), **{k: round(v, 4) for k, v in _kind_metrics(rs).items()}}
        for kind, rs in sorted(by_kind.items())
    }
    by_language: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        by_language[r.language].append(r)
    summary["by_language"] = {
        lang: {"n": len(rs), **{k: round(v, 4) for k, v in _kind_metrics(rs).items()}}
        for lang, rs in sorted(by_language.items())
    }
    summary["items"] = [
        {
            "id": r.id,
            "kind": r.kind,
            "expected": r.expected,
            "ranked": r.ranked,
            "abstained": r.abstained,
            "confidence": r.confidence,
            "rank": r.first_rank,
            "language": r.language,
        }
        for r in results
    ]
    return summary


def _kind_metrics(results: list[ItemResult]) -> dict[str, float]:
    if all(not r.expected for r in results):
        return {"abstain_oos": mean([float(r.abstained) for r in results])}
    m = _retrieval_metrics(results)
    keep = ["recall@1", "recall@3", "recall@5", "mrr", "answer_in_scope"]
    if any(len(r.expected) > 1 for r in results):
        keep.append("all_expected@5")
    if any(not r.expected for r in results):
        keep.append("abstain_oos")
    return {k: m[k] for k in keep}


def misses(results: list[ItemResult]) -> list[ItemResult]:
    """In-scope items whose first expected entry is not ranked first, or wrongly (not) abstained."""
    return [
        r
        for r in results
        if (r.expected and (r.first_rank != 1 or r.abstained)) or (not r.expected and not r.abstained)
    ]
