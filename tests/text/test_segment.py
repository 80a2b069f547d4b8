"""split_questions: one segment per question asked, without greetings and signatures."""

from __future__ import annotations

import pytest

from bot.text.segment import split_questions

EMAIL = """お世話になっております。
株式会社サンプル水道システムの佐藤です。

1. 仮想サーバのディスクを増設する場合、サーバの停止は必要でしょうか。
2. 閉域網のSIMカードはどちらから発行されますか？

お忙しいところ恐れ入りますが、よろしくお願いいたします。
--------
株式会社サンプル水道システム 佐藤
TEL: 03-0000-0000"""


def test_greeting_and_signature_are_dropped_and_numbered_questions_split() -> None:
    assert split_questions(EMAIL) == [
        "仮想サーバのディスクを増設する場合、サーバの停止は必要でしょうか。",
        "閉域網のSIMカードはどちらから発行されますか？",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "仮想サーバのメモリを増やす場合、どのような作業が発生しますか？",
        "How do I reset my portal password?",
        "NTP 時刻同期",  # keywords: no question cue, kept whole
        "ザビックスの通知先メアドって何個も登録できる？",
    ],
)
def test_a_single_question_stays_whole(text: str) -> None:
    assert split_questions(text) == [text]


def test_sentences_in_one_line_are_split_at_question_marks() -> None:
    parts = split_questions(
        "ウイルス対策ソフトの定義ファイルはどう更新しますか？OSのパッチはどう当てますか？"
    )
    assert parts == ["ウイルス対策ソフトの定義ファイルはどう更新しますか？", "OSのパッチはどう当てますか？"]


def test_circled_and_bulleted_items_are_split() -> None:
    text = "①SIMの再発行はできますか\n②ルータは誰が手配しますか\n・通信量の上限はありますか"
    assert split_questions(text) == [
        "SIMの再発行はできますか",
        "ルータは誰が手配しますか",
        "通信量の上限はありますか",
    ]


def test_english_mail_greetings_are_dropped() -> None:
    text = "Hello,\nCan we add a second NTP server?\nWho issues the SIM cards?\nBest regards,\nJohn"
    assert split_questions(text) == ["Can we add a second NTP server?", "Who issues the SIM cards?"]


def test_empty_text_has_no_questions() -> None:
    assert split_questions("  \n ") == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # The example in segment._attach_context's own comment.
        ("VMを2台構築予定です。通信制約は？", "VMを2台構築予定です。通信制約は？"),
        ("ディスクを増やしたいです。\nあと、SIMは誰が発行しますか？", "ディスクを増やしたいです。"),
        (
            "以上の構成で問題ないでしょうか？\nまた、SIMは誰が発行しますか？",
            "以上の構成で問題ないでしょうか？",
        ),
    ],
)
def test_short_statements_ending_in_desu_are_not_boilerplate(text: str, kept: str) -> None:
    assert kept in split_questions(text)


def test_requests_written_as_wishes_are_questions_too() -> None:
    mail = "1. VMのCPUを増やしたい\n2. 閉域網の回線速度は？\n3. ディスクも増やしたいです。"
    assert split_questions(mail) == [
        "VMのCPUを増やしたい",
        "閉域網の回線速度は？",
        "ディスクも増やしたいです。",
    ]


def test_a_very_short_question_continues_the_previous_one() -> None:
    assert split_questions("アプリサーバ間の通信に制約はありますか。別料金ですか？") == [
        "アプリサーバ間の通信に制約はありますか。別料金ですか？"
    ]
