"""run_items + summarize: the JSON contract of DESIGN.md, and the numbers in it."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.evaluation.dataset import EvalItem
from bot.evaluation.runner import ItemResult, misses, run_items, summarize

CONTRACT = (
    "n", "n_in_scope", "n_out_of_scope", "recall@1", "recall@3", "recall@5", "mrr", "ndcg@10",
    "all_expected@5", "abstain_oos", "answer_in_scope", "by_kind", "items",
)  # fmt: skip
ITEM_KEYS = ("id", "ranked", "abstained", "rank")


def _result(id_: str, kind: str, expected: list[int], ranked: list[int], abstained: bool) -> ItemResult:
    first = next((i for i, no in enumerate(ranked, start=1) if no in expected), None) if expected else None
    return ItemResult(
        id=id_, kind=kind, question=id_, expected=expected, ranked=ranked,
        abstained=abstained, confidence=0.0 if abstained else 0.9, first_rank=first,
    )  # fmt: skip


RESULTS = [
    _result("a", "casual", [17], [17, 18, 14], False),  # rank 1
    _result("b", "casual", [7], [6, 7, 8], False),  # rank 2
    _result("c", "multi", [17, 7], [17, 18, 7, 6], False),  # rank 1, both in top 5
    _result("d", "multi", [40, 23], [40, 41, 43], True),  # rank 1, 23 missing; abstained wrongly
    _result("e", "oos", [], [1, 2, 3], True),  # abstained: right
    _result("f", "oos", [], [4, 5, 6], False),  # answered: wrong
]


def test_summary_has_every_contract_key() -> None:
    summary = summarize(RESULTS, "hybrid")
    assert set(CONTRACT) <= set(summary)
    for item in summary["items"]:
        assert set(ITEM_KEYS) <= set(item)


def test_summary_numbers() -> None:
    s = summarize(RESULTS, "hybrid")
    assert (s["n"], s["n_in_scope"], s["n_out_of_scope"], s["n_multi"]) == (6, 4, 2, 2)
    assert s["recall@1"] == 0.75
    assert s["recall@3"] == s["recall@5"] == 1.0
    assert s["mrr"] == pytest.approx((1 + 0.5 + 1 + 1) / 4, abs=1e-4)
    assert s["all_expected@5"] == 0.5
    assert s["abstain_oos"] == 0.5
    assert s["answer_in_scope"] == 0.75
    assert s["retriever"] == "hybrid"
    assert [i["rank"] for i in s["items"]] == [1, 2, 1, 1, None, None]


def test_by_kind_groups_and_keeps_relevant_metrics() -> None:
    by_kind = summarize(RESULTS, "hybrid")["by_kind"]
    assert set(by_kind) == {"casual", "multi", "oos"}
    assert by_kind["casual"]["n"] == 2 and by_kind["casual"]["recall@1"] == 0.5
    assert by_kind["multi"]["all_expected@5"] == 0.5
    assert by_kind["oos"] == {"n": 2, "abstain_oos": 0.5}
    assert "all_expected@5" not in by_kind["casual"]


def test_misses_are_wrong_rank_or_wrong_abstain() -> None:
    assert [r.id for r in misses(RESULTS)] == ["b", "d", "f"]


def test_run_items_on_the_real_engine(engine: Engine) -> None:
    items = [
        EvalItem(id="sim", question="SIMカードを発行するのはどこ？", expected=(40,), kind="casual"),
        EvalItem(
            id="cpu",
            question="CPUの場合は？",
            expected=(18,),
            kind="followup",
            history=({"role": "user", "content": "VMのディスク容量を増やすにはどういう手順になりますか"},),  # type: ignore[arg-type]
        ),
        EvalItem(id="rain", question="来週の大阪は雨が降りますか？", expected=(), kind="oos"),
    ]
    results = run_items(engine, items)
    assert [r.id for r in results] == ["sim", "cpu", "rain"]
    assert results[0].first_rank == 1 and not results[0].abstained
    assert results[1].first_rank == 1  # history reached the engine
    assert results[2].abstained and results[2].first_rank is None
    assert all(len(r.ranked) == 10 for r in results)
    summary = summarize(results, "hybrid")
    assert summary["abstain_oos"] == 1.0 and summary["recall@1"] == 1.0
