"""detect_language: Japanese vs English, the switch for language-aware fusion."""

from __future__ import annotations

import pytest

from bot.text.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "How do I reset my portal password?",
        "Is there an NTP server on the platform",
        "Zabbix alerts: one address only?",
    ],
)
def test_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "VMのメモリを足したい",
        "Zabbixのアラートを二人に送りたい",
        "ポータルのパスワード",
        "ｼﾑの再発行",
        "",
        "VM?",  # too few letters to call it English
        "How to use 閉域網サービス and 仮想サーバ together",
    ],
)
def test_japanese_or_mostly_japanese(text: str) -> None:
    assert detect_language(text) == "ja"


def test_one_japanese_term_in_a_long_english_question_stays_english() -> None:
    assert detect_language("Can I install antivirus software on my VM in the 閉域 network segment?") == "en"
