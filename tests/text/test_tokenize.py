"""tokenize: Sudachi content words for BM25, normalised, with topic-free words dropped."""

from __future__ import annotations

from bot.text.tokenize import STOPWORDS, tokenize


def test_content_words_are_kept_and_function_verbs_dropped() -> None:
    tokens = tokenize("パスワードをリセットしてください")
    assert "パスワード" in tokens and "リセット" in tokens
    assert "為る" not in tokens and "下さる" not in tokens
    assert not {"を", "て"} & set(tokens)


def test_normalised_forms_meet_across_spellings() -> None:
    assert tokenize("サーバー") == tokenize("サーバ")
    assert tokenize("下さい") == tokenize("ください") == []


def test_ascii_is_lower_cased_and_single_letters_dropped() -> None:
    tokens = tokenize("How do I reset my Portal PASSWORD?")
    assert tokens == ["reset", "portal", "password"]


def test_full_width_latin_is_folded_before_tokenizing() -> None:
    assert tokenize("ＶＭのＣＰＵ") == tokenize("VMのCPU") == ["vm", "cpu"]


def test_stopwords_never_come_out() -> None:
    text = "仮想サーバを停止する際には、弊社へご連絡を頂く事になりますでしょうか。何をすれば良いですか"
    tokens = tokenize(text)
    assert tokens
    assert not set(tokens) & STOPWORDS
    assert "停止" in tokens and "連絡" in tokens


def test_numbers_and_versions_survive() -> None:
    tokens = tokenize("Windows Server 2022 と RHEL9.4")
    assert "2022" in tokens and "windows" in tokens


def test_very_long_text_is_tokenized_without_error() -> None:
    # Sudachi refuses inputs over ~49 KB; follow-ups can concatenate long turns.
    tokens = tokenize("仮想サーバのディスク" + "あ" * 40_000)
    assert "ディスク" in tokens
