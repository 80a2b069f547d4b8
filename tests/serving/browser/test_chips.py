"""The "which did you mean?" chips in headless Chromium: a pick shows the entry and lands in `choices`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from bot.engine import Engine

pytestmark = pytest.mark.browser
DISK = "仮想サーバのディスク容量を増やしたいです"


@pytest.fixture
def tie_server(make_app: Callable[..., FastAPI], serve: Any) -> Iterator[tuple[str, Path]]:
    """A real server whose tie margin makes every answered question a near-tie (deterministic chips)."""
    app = make_app(tie_margin=10.0)
    with serve(app) as url:
        yield url, app.state.settings.feedback_db


def ask(page: Page, question: str) -> Any:
    page.locator(".fb-input").fill(question)
    page.locator(".fb-input").press("Enter")
    reply = page.locator(".fb-bot[data-mode]").last
    expect(reply).to_be_attached()
    return reply


def test_chips_show_the_pick_and_record_it(
    page: Page, tie_server: tuple[str, Path], engine: Engine, sql: Any
) -> None:
    url, db = tie_server
    first, second = (h.no for h in engine.retrieve(DISK).hits[:2])
    page.goto(url)
    page.locator(".fb-launcher").click()
    reply = ask(page, DISK)
    choice = reply.locator(".fb-choice")
    expect(choice).to_have_attribute("role", "group")
    expect(choice.get_by_role("heading")).to_have_text("どちらの内容についてですか？")
    expect(page.get_by_role("group", name="どちらの内容についてですか？")).to_have_count(1)
    chips = choice.locator(".fb-alt")
    labels = [f"No.{n} {engine.entry(n).question}" for n in (first, second)]
    expect(chips).to_have_text(labels)
    expect(chips.nth(0)).to_have_attribute("aria-pressed", "false")

    with page.expect_response("**/api/choice") as posted:
        chips.nth(1).click()
    assert posted.value.status == 201
    assert json.loads(posted.value.request.post_data or "{}")["no"] == second
    expect(chips.nth(1)).to_have_attribute("aria-pressed", "true")
    expect(chips.nth(0)).to_have_attribute("aria-pressed", "false")
    entry = choice.locator(".fb-entry")
    expect(entry.locator(".fb-entry-q")).to_have_text(f"No.{second} {engine.entry(second).question}")
    assert entry.locator(".fb-entry-a").text_content() == engine.entry(second).answer
    expect(choice.locator("[role=status]")).to_have_text(f"No.{second} の内容を表示しました。")
    rows = sql(db, "SELECT request_id, chosen_no, offered FROM choices")
    assert [(r["chosen_no"], json.loads(r["offered"])) for r in rows] == [(second, [first, second])]
    recorded = sql(db, "SELECT question FROM requests WHERE request_id = ?", rows[0]["request_id"])
    assert [r["question"] for r in recorded] == [DISK]

    # Keyboard only: Shift+Tab back to the first chip, Space picks it; the pick replaces the first one.
    chips.nth(1).focus()
    page.keyboard.press("Shift+Tab")
    expect(chips.nth(0)).to_be_focused()
    with page.expect_response("**/api/choice"):
        page.keyboard.press("Space")
    expect(entry.locator(".fb-entry-q")).to_have_text(f"No.{first} {engine.entry(first).question}")
    assert [r["chosen_no"] for r in sql(db, "SELECT chosen_no FROM choices")] == [first]


def test_no_chips_when_the_reply_abstains(page: Page, tie_server: tuple[str, Path]) -> None:
    url, _ = tie_server
    page.goto(url)
    page.locator(".fb-launcher").click()
    reply = ask(page, "駅前でおいしいラーメン屋を教えて")
    expect(reply).to_have_attribute("data-mode", "abstain")
    expect(reply.locator(".fb-related")).to_be_visible()
    expect(reply.locator(".fb-choice")).to_have_count(0)


def test_english_widget_on_another_origin_asks_in_english(
    page: Page, tie_server: tuple[str, Path], host_page: Callable[[str], str], sql: Any
) -> None:
    url, db = tie_server
    html = (
        '<!doctype html><html lang="en"><head><title>Vendor portal</title></head><body><main>'
        f'<h1>Portal</h1></main><script src="{url}/widget.js" data-api="{url}" data-open="true"></script>'
        "</body></html>"
    )
    page.goto(host_page(html))
    reply = ask(page, "How do I add more disk to a VM?")
    choice = reply.locator(".fb-choice")
    expect(choice.get_by_role("heading")).to_have_text("Which one did you mean?")
    picked = choice.locator(".fb-alt").nth(1)
    picked.click()
    expect(choice.locator("[role=status]")).to_have_text(f"Showing No.{picked.get_attribute('data-no')}.")
    assert len(sql(db, "SELECT id FROM choices")) == 1
