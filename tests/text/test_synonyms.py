"""Synonyms: user and English vocabulary mapped to the FAQ's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import DataError
from bot.settings import ROOT
from bot.text.normalize import normalize
from bot.text.synonyms import Synonyms


@pytest.fixture(scope="module")
def synonyms() -> Synonyms:
    return Synonyms.load(ROOT / "data")


def test_vm_maps_to_virtual_server(synonyms: Synonyms) -> None:
    out = synonyms.expand(normalize("VMを1台追加したい"))
    assert out.startswith("vmを1台追加したい")  # the user's words stay for matching
    assert "仮想サーバ" in out


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Load Balancer の設定", "ロードバランサ"),
        ("ＲＡＭを増やしたい", "メモリ"),
        ("virtual machine の台数", "仮想サーバ"),
    ],
)
def test_ascii_and_english_variants_fire_as_whole_words(
    synonyms: Synonyms, text: str, canonical: str
) -> None:
    assert canonical in synonyms.expand(normalize(text))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("dcimの設定", "データセンター"),
        ("programを修正", "メモリ"),
        ("vmwareのライセンス", "仮想サーバ"),
        ("abcdc", "データセンター"),
    ],
)
def test_ascii_variants_do_not_fire_inside_other_words(synonyms: Synonyms, text: str, canonical: str) -> None:
    assert canonical not in synonyms.expand(normalize(text))


def test_dc_fires_as_a_word_next_to_japanese(synonyms: Synonyms) -> None:
    assert "データセンター" in synonyms.expand(normalize("DCは何県にありますか"))


def test_canonical_already_present_is_not_appended_again() -> None:
    synonyms = Synonyms((("vm", "仮想サーバ"),))
    assert synonyms.expand("仮想サーバとvm") == "仮想サーバとvm"
    assert synonyms.expand("vmとvm") == "vmとvm 仮想サーバ"


def test_each_canonical_is_appended_once() -> None:
    synonyms = Synonyms((("virtual machine", "仮想サーバ"), ("vm", "仮想サーバ")))
    assert synonyms.expand("vm と virtual machine").split().count("仮想サーバ") == 1


def test_load_normalises_and_orders_longest_first(tmp_path: Path) -> None:
    (tmp_path / "synonyms.tsv").write_text(
        "# comment\nMachine\tマシン\n\nVirtual Machine\t仮想サーバ\n", encoding="utf-8"
    )
    synonyms = Synonyms.load(tmp_path)
    assert synonyms.pairs == (("virtual machine", "仮想サーバ"), ("machine", "マシン"))


def test_missing_file_means_no_synonyms(tmp_path: Path) -> None:
    assert Synonyms.load(tmp_path).expand("vm") == "vm"


@pytest.mark.parametrize("bad", ["VM 仮想サーバ\n", "VM\t\n", "VM\t仮想サーバ\textra\n"])
def test_malformed_line_is_a_data_error_with_its_line(tmp_path: Path, bad: str) -> None:
    (tmp_path / "synonyms.tsv").write_text("# header\nPF\tプラットフォーム\n" + bad, encoding="utf-8")
    with pytest.raises(DataError, match=r"synonyms\.tsv:3: "):
        Synonyms.load(tmp_path)
