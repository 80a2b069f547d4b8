"""Questions typed any way, in any of the four languages, find their entry and are answered."""

from __future__ import annotations

import pytest

from bot.answering.service import AnswerService
from bot.engine import Engine


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("ぷらっとふぉーむのじこくはなにとどうきしているの", 1),  # hiragana only
        ("sim ga kowareta toki no saihakkou no nagare", 41),  # romaji
        ("仮装サーバのメモリを造設したい", 18),  # wrong kanji conversions
        ("えーとめんてなんすのおしらせってどうやってくるんですかね", 2),  # voice, no punctuation
    ],
)
def test_noisy_japanese_finds_its_entry(engine: Engine, question: str, expected: int) -> None:
    r = engine.retrieve(question)
    assert r.hits[0].no == expected, r.numbers
    assert r.language == "ja"


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("平台的维护通知是怎么发送的？", "zh", 2),
        ("포털 비밀번호를 잊어버렸어요. 어떻게 해야 하나요?", "ko", 7),
    ],
)
def test_chinese_and_korean_are_ranked_and_answered(
    engine: Engine, question: str, language: str, expected: int
) -> None:
    r = engine.retrieve(question)
    assert r.language == language
    assert r.hits[0].no == expected, r.numbers
    assert r.answerable, (r.reason, r.confidence)


def test_a_value_the_faq_never_gives_is_not_answered_but_the_entry_is_offered(engine: Engine) -> None:
    r = engine.retrieve("PF内のNTPサーバのIPアドレスは何ですか")
    assert not r.answerable
    assert r.reason == "ip_address_not_in_faq"
    assert r.hits[0].no == 1  # still offered as related


def test_value_missing_reply_says_so(service: AnswerService) -> None:
    _, reply = service.answer("PF内のNTPサーバのIPアドレスは何ですか")
    assert reply.mode == "abstain" and not reply.citations
    assert "記載がございません" in reply.text
    assert reply.suggestions and reply.suggestions[0].no == 1


def test_chinese_reply_has_a_chinese_lead_and_the_japanese_text(service: AnswerService) -> None:
    _, reply = service.answer("平台的维护通知是怎么发送的？")
    assert reply.mode == "extractive" and reply.language == "zh"
    assert reply.text.startswith("关于您的问题")
    assert "メンテナンス" in reply.text and "[No.2]" in reply.text
