"""Splitting answers into cases and picking the one asked about (no per-entry rules)."""

from __future__ import annotations

import pytest

from bot.answering.sections import SectionPicker, split_sections
from bot.engine import Engine
from bot.settings import Settings


@pytest.fixture(scope="module")
def picker(engine: Engine, settings: Settings) -> SectionPicker:
    return SectionPicker(engine.entries, engine.analyzer)


def test_entry_17_has_three_cases_after_an_intro(engine: Engine) -> None:
    split = split_sections(engine.entries[17].answer)
    assert [s.heading for s in split.sections] == [
        "ケース1：既存ディスクの容量を増やす。",
        "ケース2：既存ディスクの容量を減らす。",
        "ケース3：新規ディスクを取り付ける。",
    ]
    assert split.intro.startswith("下記の通り容量変更のケースによって")
    # Each case keeps its own steps and nothing of the next case.
    assert "①ベンダー様に仮想サーバをシャットダウン" in split.sections[0].text
    assert "ケース2" not in split.sections[0].text
    assert split.sections[1].text.rstrip().endswith("⑤弊社にて削除対象のディスクを削除させていただきます。")


@pytest.mark.parametrize(
    ("no", "n_sections"), [(3, 2), (16, 2), (21, 2), (35, 2), (40, 2), (41, 2), (19, 3), (14, 3)]
)
def test_bracket_headings_are_sections(engine: Engine, no: int, n_sections: int) -> None:
    split = split_sections(engine.entries[no].answer)
    assert len(split.sections) == n_sections
    assert all(s.heading.startswith("【") and s.text.startswith(s.heading) for s in split.sections)


def test_answer_without_headings_is_all_intro(engine: Engine) -> None:
    split = split_sections(engine.entries[18].answer)
    assert split.sections == () and split.whole.startswith("下記作業が発生します。")


@pytest.mark.parametrize(
    ("no", "question", "expected"),
    [
        (17, "Dドライブの容量を増やす手順を知りたい", 0),
        (17, "ディスク容量を減らすことはできますか", 1),
        (17, "新規ディスクを追加で取り付けたい", 2),
        (17, "Dドライブの容量を変更したい", None),  # asks about all cases
        (16, "ベンダーテナントの停止中サーバを起動できますか", 1),
        (16, "停止してあるVMを起動するには", None),  # one stray body word must not decide
        (35, "モバイル回線の通信断はメールで知らせてもらえますか", 1),
        (35, "回線断のときに知らせてもらえますか", None),
        (40, "固定回線のルータは誰が手配する？", 0),
        (3, "ゲートウェイ装置の暗号化通信用の証明書はこちらで用意しますか", 1),
    ],
)
def test_pick_the_case_asked_about(
    picker: SectionPicker, no: int, question: str, expected: int | None
) -> None:
    assert picker.pick(no, [question]) == expected


def test_follow_up_falls_back_to_the_contextualised_question(picker: SectionPicker) -> None:
    # The elliptical question alone selects nothing; its search text (with the previous turn) does.
    assert (
        picker.pick(
            17, ["それはどうなりますか", "Dドライブの容量を増やす手順を知りたい それはどうなりますか"]
        )
        == 0
    )
