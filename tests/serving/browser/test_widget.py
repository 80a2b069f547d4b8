"""The chat widget in headless Chromium: streaming, chips, follow-ups, feedback, abstention, safety."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from bot.engine import Engine
from bot.settings import ROOT, Settings

pytestmark = pytest.mark.browser
DOCS = ROOT / "docs"
DISK = "仮想サーバのディスク容量を増やしたいです"
PASSWORD = "ポータルのパスワードを忘れました"
SHADOW = "document.getElementById('faqbot-widget').shadowRoot"


def open_widget(page: Page) -> None:
    page.locator(".fb-launcher").click()
    expect(page.locator(".fb-panel")).to_be_visible()


def ask(page: Page, question: str) -> Locator:
    """Type and send a question; return the finished bot message (it gets data-mode when done)."""
    done_before = page.locator(".fb-bot[data-mode]").count()
    page.locator(".fb-input").fill(question)
    page.locator(".fb-input").press("Enter")
    reply = page.locator(".fb-bot[data-mode]").nth(done_before)
    expect(reply).to_be_attached()
    return reply


def test_ask_expand_follow_up_and_rate(
    page: Page, live_url: str, live_settings: Settings, engine: Engine, sql: Any
) -> None:
    page.goto(live_url)
    expect(page.locator(".fb-launcher")).to_have_attribute("aria-label", "FAQチャットを開く")
    open_widget(page)
    expect(page.locator(".fb-log")).to_contain_text("ご質問をどうぞ")

    first = ask(page, DISK)
    expect(first).to_have_attribute("data-mode", "extractive")
    expect(first.locator(".fb-text")).to_contain_text("[No.17]")
    chip = first.locator(".fb-chip")
    expect(chip).to_have_text(["[No.17]"])
    chip.click()
    expect(chip).to_have_attribute("aria-expanded", "true")
    entry = first.locator(".fb-entry")
    expect(entry.locator(".fb-entry-q")).to_have_text(f"No.17 {engine.entry(17).question}")
    assert entry.locator(".fb-entry-a").text_content() == engine.entry(17).answer
    expect(entry.locator("a")).to_have_attribute("href", re.compile(r"^https://.*17$"))

    with page.expect_request("**/api/chat/stream") as sent:
        follow = ask(page, "CPUの場合は？")
    expect(follow.locator(".fb-chip")).to_have_text(["[No.18]"])
    history = json.loads(sent.value.post_data or "{}")["history"]
    assert [t["role"] for t in history] == ["user", "assistant"]
    assert history[0]["content"] == DISK and "[No.17]" in history[1]["content"]

    follow.locator(".fb-up").click()
    expect(follow.locator(".fb-feedback [role=status]")).to_have_text(
        "フィードバックありがとうございました。"
    )
    expect(follow.locator(".fb-up")).to_have_attribute("aria-pressed", "true")
    follow.locator(".fb-comment").fill("わかりやすい")
    follow.locator(".fb-comment-send").click()
    expect(follow.locator(".fb-comment-form")).to_be_hidden()
    rows = sql(live_settings.feedback_db, "SELECT * FROM feedback_export WHERE question = ?", "CPUの場合は？")
    assert [(r["rating"], r["comment"], r["citations"], r["mode"]) for r in rows] == [
        ("up", "わかりやすい", "[18]", "extractive")
    ]

    short = ask(page, PASSWORD)  # a short entry, so the screenshot shows question, reply and chip
    short.locator(".fb-chip").click()
    expect(short.locator(".fb-entry-a")).to_be_visible()
    page.screenshot(path=str(DOCS / "widget-desktop.png"))


def test_abstain_shows_related_entries_not_answers(page: Page, live_url: str) -> None:
    page.goto(live_url)
    open_widget(page)
    reply = ask(page, "今日の天気は？")
    expect(reply).to_have_attribute("data-mode", "abstain")
    expect(reply.locator(".fb-related h3")).to_have_text("関連するFAQ")
    expect(reply.locator(".fb-chip")).to_have_count(0)
    suggestions = reply.locator(".fb-suggestion")
    assert 1 <= suggestions.count() <= 3
    suggestions.first.click()
    expect(reply.locator(".fb-related .fb-entry-a")).to_be_visible()


def test_markup_in_a_question_stays_text(page: Page, live_url: str) -> None:
    attack = '<img src=x onerror="window.__xss=1">'
    page.goto(live_url)
    open_widget(page)
    ask(page, attack)
    expect(page.locator(".fb-user .fb-text")).to_have_text(attack)
    assert page.evaluate(f"{SHADOW}.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_keyboard_and_screen_reader_basics(page: Page, live_url: str) -> None:
    page.goto(live_url)
    launcher = page.locator(".fb-launcher")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    assert page.evaluate(f"{SHADOW}.activeElement.id") == "fb-input"
    expect(page.locator(".fb-log")).to_have_attribute("aria-live", "polite")
    expect(page.locator(".fb-panel")).to_have_attribute("role", "dialog")
    page.keyboard.type("一行目")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("二行目")
    assert page.locator(".fb-input").input_value() == "一行目\n二行目"
    expect(page.locator(".fb-user")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(page.locator(".fb-user")).to_have_count(1)
    expect(page.locator(".fb-bot[data-mode]")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator(".fb-panel")).to_be_hidden()
    assert page.evaluate(f"{SHADOW}.activeElement.className") == "fb-launcher"


def test_phone_width(page: Page, live_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_url)
    open_widget(page)
    reply = ask(page, PASSWORD)
    reply.locator(".fb-chip").click()
    expect(reply.locator(".fb-entry-a")).to_be_visible()
    box = page.locator(".fb-panel").bounding_box()
    assert box == {"x": 0, "y": 0, "width": 375, "height": 740}
    chip = reply.locator(".fb-chip").bounding_box()
    assert chip is not None and chip["x"] >= 0 and chip["x"] + chip["width"] <= 375
    send = page.locator(".fb-send").bounding_box()
    assert send is not None and send["x"] + send["width"] <= 375 and send["y"] + send["height"] <= 740
    assert page.evaluate(f"{SHADOW}.querySelector('.fb-log').scrollWidth") <= 375
    page.screenshot(path=str(DOCS / "widget-phone.png"))


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port  # closed on return: nothing listens there


def test_server_down_shows_an_error(page: Page, live_url: str, host_page: Callable[[str], str]) -> None:
    url = host_page(
        f'<!doctype html><html lang="ja"><body><h1>Vendor</h1>'
        f'<script src="{live_url}/static/widget.js" data-api="http://127.0.0.1:{_dead_port()}"></script></body></html>'
    )
    page.goto(url)
    open_widget(page)
    page.locator(".fb-input").fill(DISK)
    page.locator(".fb-input").press("Enter")
    alert = page.locator(".fb-bot [role=alert]")
    expect(alert).to_have_text("サーバーに接続できません。時間をおいて再度お試しください。")
    expect(page.locator(".fb-retry")).to_be_visible()
    expect(page.locator(".fb-send")).to_be_enabled()


def test_embedded_on_another_origin_in_english(
    page: Page, live_url: str, host_page: Callable[[str], str]
) -> None:
    # No data-api: the widget talks to the server it was loaded from, across origins (CORS).
    script = f'<script src="{live_url}/widget.js"></script>'
    url = host_page(f'<!doctype html><html lang="en"><body>{script}</body></html>')
    page.goto(url)
    expect(page.locator(".fb-launcher")).to_have_attribute("aria-label", "Open FAQ chat")
    open_widget(page)
    reply = ask(page, "How can I change the disk size of a virtual server?")
    expect(reply.locator(".fb-cites h3")).to_have_text("Sources")
    expect(reply.locator(".fb-chip")).to_have_text(["[No.17]"])


def test_rate_limited_shows_retry_after(
    page: Page, settings: Settings, engine: Engine, serve: Callable[..., Any], tmp_path: Any
) -> None:
    from bot.serving import create_app

    app = create_app(
        settings.model_copy(update={"rate_limit_per_minute": 1, "feedback_db": tmp_path / "f.sqlite3"}),
        engine,
    )
    with serve(app) as url:
        page.goto(url)
        open_widget(page)
        ask(page, DISK)
        page.locator(".fb-input").fill("CPUの場合は？")
        page.locator(".fb-input").press("Enter")
        expect(page.locator(".fb-bot [role=alert]")).to_have_text(
            re.compile(r"\d+秒ほど待ってから再度お試しください")
        )
