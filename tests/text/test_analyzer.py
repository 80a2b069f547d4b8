"""The one analysis pipeline, with the FAQ's own vocabulary: respelling by sound, language, fingerprint."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.text.analyzer import Analyzer, fold_long_vowels
from bot.text.synonyms import Synonyms


@pytest.mark.parametrize(
    ("noisy", "word"),
    [
        ("くらいあんとしょうめいしょはじぶんでよういするの", "証明書"),  # no IME conversion
        ("meintenansu no renraku wa itsu kuru", "メンテナンス"),  # romaji
        ("閉域網の改選が切れた", "回線"),  # wrong homophone
    ],
)
def test_noisy_input_is_respelled_in_the_faqs_words(engine: Engine, noisy: str, word: str) -> None:
    analysis = engine.analyzer.analyze(noisy)
    assert analysis.language == "ja"
    assert word in analysis.respelled
    # The literal text is embedded too, so a wrong respelling cannot lose the original.
    assert analysis.text in analysis.dense_texts


def test_correct_text_is_left_alone(engine: Engine) -> None:
    question = "仮想サーバのメモリを増やすにはどうすればよいですか"
    analysis = engine.analyzer.analyze(question)
    assert analysis.respelled == analysis.text
    assert analysis.dense_texts == (analysis.expanded,)


def test_readings_match_across_scripts(engine: Engine) -> None:
    kanji = set(engine.analyzer.analyze("時刻の同期").readings)
    kana = set(engine.analyzer.analyze("じこくのどうき").readings)
    assert kanji and len(kanji & kana) >= len(kanji) * 0.8


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("怎么增加虚拟机的磁盘？", "zh"),
        ("가상 서버의 디스크를 늘릴 수 있나요?", "ko"),
        ("NTP 時刻同期", "ja"),  # kanji-only keywords are Japanese, not Chinese
        ("How do I reset the portal password?", "en"),
        ("pasuwaado wo wasuremashita", "ja"),
    ],
)
def test_language(engine: Engine, question: str, language: str) -> None:
    assert engine.analyzer.analyze(question).language == language


def test_fingerprint_follows_the_configuration() -> None:
    assert Analyzer().fingerprint == Analyzer().fingerprint
    assert Analyzer().fingerprint != Analyzer(Synonyms((("vm", "仮想サーバ"),))).fingerprint


def test_final_long_vowel_of_katakana_words_is_folded() -> None:
    assert fold_long_vowels("サーバーの設定とユーザー") == "サーバの設定とユーザ"
    assert fold_long_vowels("ー") == "ー"
