"""Follow-up detection and context: which questions borrow the previous user turn."""

from __future__ import annotations

import pytest

from bot.models import Turn
from bot.retrieval.followup import contextualize, is_elliptical


@pytest.mark.parametrize(
    "question",
    [
        "メモリを増やす場合は？",
        "メモリだと？",
        "じゃあ固定回線なら",
        "And for memory?",
        "and the SIM card?",
        "RAMって",
    ],
)
def test_elliptical_questions(question: str) -> None:
    assert is_elliptical(question)


@pytest.mark.parametrize(
    "question",
    [
        "仮想サーバのメモリ容量を変更する際には、どのような手順を踏めばよいですか？",
        "How do I reset the password for the vendor portal?",
    ],
)
def test_full_questions_are_not_elliptical(question: str) -> None:
    assert not is_elliptical(question)


def test_context_is_the_last_user_turn() -> None:
    history = (
        Turn(role="user", content="SIMは誰が発行しますか"),
        Turn(role="assistant", content="弊社が発行します [No.40]"),
        Turn(role="user", content="  Dドライブを拡張したい  "),
        Turn(role="assistant", content="[No.17] をご覧ください"),
    )
    assert contextualize("メモリならどう？", history) == "Dドライブを拡張したい メモリならどう？"


def test_no_user_turn_means_no_context() -> None:
    assert contextualize("メモリならどう？", ()) is None
    assert contextualize("メモリならどう？", (Turn(role="assistant", content="こんにちは"),)) is None
    assert contextualize("メモリならどう？", (Turn(role="user", content="   "),)) is None
