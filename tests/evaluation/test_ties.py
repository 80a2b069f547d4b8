"""Calibrating the tie margin: the sweep, the pick, and a run on the real engine."""

from __future__ import annotations

import math

import pytest

from bot.answering.ties import tie_margin_of
from bot.engine import Engine
from bot.errors import DataError
from bot.evaluation.dataset import EvalItem
from bot.evaluation.ties import TieItem, calibrate, pick_margin, row_at, summarize


def item(margin: float, right: bool, second_right: bool = False) -> TieItem:
    return TieItem(id=f"{margin}-{right}", margin=margin, right=right, second_right=second_right)


# 20 right first hits with margins 0.05, 0.10, ... 1.00; three wrong ones, two with the answer second.
ITEMS = [item(round(0.05 * i, 2), True) for i in range(1, 21)] + [
    item(0.02, False, True),
    item(0.12, False, True),
    item(0.6, False),
]


def test_a_row_counts_chips_below_the_margin() -> None:
    row = row_at(ITEMS, 0.15)
    assert (row.right_offered, row.wrong_offered, row.second_right_offered) == (2, 2, 2)
    assert (row.right_share, round(row.wrong_share, 3)) == (0.1, 0.667)
    assert row_at(ITEMS, 0.05).right_offered == 0  # strictly below


def test_pick_is_the_largest_margin_within_the_nuisance_budget() -> None:
    assert pick_margin(ITEMS, 0.0) == 0.05  # below the smallest right margin: none of them
    assert pick_margin(ITEMS, 0.1) == 0.15  # two of twenty right ones
    assert row_at(ITEMS, pick_margin(ITEMS, 0.1)).right_share <= 0.1
    with pytest.raises(DataError, match="right first hit"):
        pick_margin([item(0.1, False)], 0.05)
    with pytest.raises(ValueError):
        pick_margin(ITEMS, 1.0)


def test_summary_lists_the_wrong_margins_and_quartiles() -> None:
    s = summarize(ITEMS, [0.1, 0.05, 0.1])
    assert (s.n_answered, s.n_right, s.n_wrong, s.n_second_right) == (23, 20, 3, 2)
    assert s.wrong_margins == (0.02, 0.12, 0.6)
    assert [r.margin for r in s.rows] == [0.05, 0.1]
    assert s.right_quartiles == (0.3, 0.55, 0.8)


def test_calibrate_on_the_real_engine(engine: Engine) -> None:
    questions = [
        EvalItem(id="disk", question="仮想サーバのディスク容量を増やしたい", expected=(17,), kind="t"),
        EvalItem(id="ram", question="VMのメモリを増やしたい", expected=(18,), kind="t"),
        # The NTP entry expected for a password question: a wrong first hit on purpose.
        EvalItem(id="miss", question="ポータルのパスワードを忘れました", expected=(1,), kind="t"),
        EvalItem(id="rain", question="来週の大阪は雨が降りますか？", expected=(), kind="oos"),
    ]
    result = calibrate(engine, questions[:2], questions[2:], max_right_share=0.0)
    margins = [tie_margin_of(engine.retrieve(q.question)) for q in questions[:2]]
    assert all(m is not None for m in margins)
    assert result.picked_margin == math.floor(min(m for m in margins if m is not None) * 100) / 100
    assert (result.calibration.n_right, result.calibration.n_wrong) == (2, 0)
    # Out-of-scope items are left out; the deliberate miss is a wrong first hit.
    assert (result.check.n_answered, result.check.n_wrong) == (1, 1)
    assert result.combined.n_answered == 3
