"""Reading keys: one spelling-independent key per sound; romaji detection and conversion."""

from __future__ import annotations

import pytest

from bot.text.readings import fold, fold_with_map, reading_grams, romaji_to_kana


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("サーバー", "さあばあ"),  # long vowel as ー or as a doubled vowel
        ("ユーザ", "ゆーざー"),
        ("ソウサ", "そーさ"),  # ウ after an o-sound lengthens it
        ("ディスク", "でぃすく"),  # small kana
        ("キャッシュ", "きゃしゅ"),  # the small っ is dropped
    ],
)
def test_spellings_of_one_sound_fold_to_one_key(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_different_words_keep_different_keys() -> None:
    assert fold("カイセン") != fold("カイセツ")
    assert fold("ヲ") != fold("オ")  # を must not vanish as a long vowel after an o-sound


def test_fold_map_points_back_into_the_original() -> None:
    text = "ぱすわーどを"
    key, src = fold_with_map(text)
    assert len(key) == len(src)
    assert all(0 <= i < len(text) for i in src)
    assert src == sorted(src)


def test_grams_stay_inside_kana_runs() -> None:
    grams = reading_grams("アイウ エオ")
    assert "アイ" in grams and "アイウ" in grams and "エオ" in grams
    assert not any(" " in g for g in grams)


@pytest.mark.parametrize(
    ("text", "kana"),
    [
        ("kanrisha ni renraku shitai", "かんりしゃ に れんらく したい"),
        ("disuku", "でぃすく"),  # wapuro "di" means ディ, not ぢ
    ],
)
def test_romaji_becomes_kana(text: str, kana: str) -> None:
    assert romaji_to_kana(text) == kana


def test_acronyms_typed_in_capitals_stay() -> None:
    out = romaji_to_kana("VM no memori wo fuyashitai", keep=frozenset({"VM"}))
    assert out is not None and out.startswith("VM ") and "めもり" in out


@pytest.mark.parametrize(
    "text", ["How can I add a disk?", "Is there a time server", "Zabbix", "the portal password"]
)
def test_english_is_not_romaji(text: str) -> None:
    assert romaji_to_kana(text) is None
