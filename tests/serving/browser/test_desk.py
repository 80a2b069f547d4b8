"""The support-desk page in headless Chromium: inquiry in, cited draft out, copy to clipboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from bot.engine import Engine
from bot.settings import ROOT, Settings

pytestmark = pytest.mark.browser
INQUIRY = (
    "お世話になっております。仮想サーバのディスク容量を変更したいのですが、どのような作業が発生しますか。\n"
    "また、固定回線を申し込む場合、どの程度の期間が必要でしょうか。\nよろしくお願いします。"
)


def test_desk_drafts_with_citations_and_copies(browser: Browser, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page = context.new_page()
    try:
        page.goto(f"{live_url}/desk")
        page.get_by_label("お問い合わせ本文").fill(INQUIRY)
        page.get_by_role("button", name="回答案を作成").click()
        expect(page.locator("#result")).to_be_visible()
        paragraphs = page.locator(".para")
        assert paragraphs.count() >= 2
        inquiries = [
            t.removeprefix("お問い合わせ：") for t in paragraphs.locator(".para-inquiry").all_text_contents()
        ]
        assert all(q and q in INQUIRY.replace("\n", "") for q in inquiries)
        cites = page.locator(".para .cite").all_text_contents()
        assert "[No.17]" in cites and "[No.33]" in cites
        used = page.locator("#used li")
        assert used.count() == len(set(cites))
        draft = page.locator("#draft-text").text_content() or ""
        assert draft.startswith("お世話になっております。") and "[No.17]" in draft
        page.get_by_role("button", name="クリップボードにコピー").click()
        expect(page.locator("#copy-status")).to_have_text("コピーしました。")
        assert page.evaluate("navigator.clipboard.readText()") == draft
        page.screenshot(path=str(ROOT / "docs" / "desk.png"), full_page=True)
    finally:
        context.close()


def test_desk_reports_a_server_that_went_away(
    browser: Browser, settings: Settings, engine: Engine, serve: Callable[..., Any], tmp_path: Path
) -> None:
    from bot.serving import create_app

    app = create_app(settings.model_copy(update={"feedback_db": tmp_path / "f.sqlite3"}), engine)
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    try:
        with serve(app) as url:
            page.goto(f"{url}/desk")
            page.get_by_label("お問い合わせ本文").fill("　")
            page.get_by_role("button", name="回答案を作成").click()
            expect(page.get_by_label("お問い合わせ本文")).to_be_focused()  # nothing to send
        page.get_by_label("お問い合わせ本文").fill(INQUIRY)
        page.get_by_role("button", name="回答案を作成").click()
        expect(page.locator("#desk-error")).to_have_text(
            "サーバーに接続できません。時間をおいて再度お試しください。"
        )
        expect(page.locator("#result")).to_be_hidden()
        expect(page.get_by_role("button", name="回答案を作成")).to_be_enabled()
    finally:
        context.close()
