"""html_to_text on small hand-written answers: the rules the export's HTML relies on."""

from __future__ import annotations

from bot.ingest.html_text import html_to_text
from bot.models import Link


def test_link_with_its_own_text_keeps_text_and_url() -> None:
    text, links = html_to_text(
        '<p>詳細は<a href="https://example.jp/spec.pdf">共通仕様書</a>をご覧ください。</p>'
    )
    assert links == (Link(text="共通仕様書", url="https://example.jp/spec.pdf"),)
    assert "共通仕様書 (https://example.jp/spec.pdf)" in text


def test_link_whose_text_is_the_url_is_not_repeated() -> None:
    url = "https://example.jp/"
    text, links = html_to_text(f'URL：<a href="{url}">{url}</a>')
    assert text.count(url) == 1
    assert links == (Link(text=url, url=url),)


def test_anchor_without_href_is_plain_text() -> None:
    text, links = html_to_text('<a name="top">先頭</a>へ戻る')
    assert links == ()
    assert text == "先頭へ戻る"


def test_list_items_get_one_bullet_each() -> None:
    text, _ = html_to_text("<p>対象：</p><ul><li>・仮想サーバ</li><li>ゲートウェイ装置</li></ul>")
    lines = text.splitlines()
    assert "・仮想サーバ" in lines and "・ゲートウェイ装置" in lines
    assert "・・" not in text


def test_space_separated_plain_text_is_split_into_lines() -> None:
    text, links = html_to_text("下記のとおりです。 【固定回線の場合】 JECCが手配します。  ①申込 ②工事")
    assert links == ()
    lines = text.splitlines()
    assert lines[0] == "下記のとおりです。"
    assert "【固定回線の場合】" in lines[1]
    assert any(line.startswith("①") for line in lines) and any(line.startswith("②") for line in lines)


def test_entities_are_decoded_and_blank_lines_collapsed() -> None:
    text, _ = html_to_text("<p>A &amp; B &lt;必須&gt;</p><p></p><p></p><p>次</p>")
    assert "A & B <必須>" in text
    assert "\n\n\n" not in text
    assert text.endswith("次")
