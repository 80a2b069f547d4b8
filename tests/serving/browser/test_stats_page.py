"""/desk/stats in headless Chromium: the admin key, the figures and the SVG charts drawn from them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from bot.engine import Engine

pytestmark = pytest.mark.browser
ADMIN_KEY = "page-admin-key"
QUESTIONS = [
    "仮想サーバのディスク容量を増やしたい",
    "VMのメモリを増やしたい",
    "駅前でおいしいラーメン屋を教えて",
]


@pytest.fixture
def stats_url(make_app: Callable[..., FastAPI], serve: Any, page: Page) -> Iterator[str]:
    with serve(make_app(admin_key=ADMIN_KEY)) as url:
        asked = [page.request.post(f"{url}/api/chat", data={"question": q}) for q in QUESTIONS]
        ids = [r.json()["request_id"] for r in asked]
        page.request.post(f"{url}/api/feedback", data={"request_id": ids[0], "rating": "up"})
        page.request.post(f"{url}/api/feedback", data={"request_id": ids[1], "rating": "down"})
        yield url


def test_the_page_asks_for_the_key_and_draws_the_figures(page: Page, stats_url: str, engine: Engine) -> None:
    page.goto(f"{stats_url}/desk/stats")
    expect(page.locator("#figures")).to_be_hidden()
    page.get_by_label("管理キー（X-Admin-Key）").fill("wrong")
    page.get_by_role("button", name="表示する").click()
    expect(page.get_by_role("alert")).to_contain_text("管理キーが正しくない")
    expect(page.locator("#admin-key")).to_be_focused()

    page.get_by_label("管理キー（X-Admin-Key）").fill(ADMIN_KEY)
    page.get_by_label("期間").select_option("7")
    page.get_by_role("button", name="表示する").click()
    expect(page.locator("#stats-status")).to_contain_text("質問 3件")
    expect(page.locator("#summary-heading")).to_be_focused()
    terms = page.locator("#summary dt").all_text_contents()
    summary = dict(zip(terms, page.locator("#summary dd").all_text_contents(), strict=True))
    assert summary["質問"] == "3件" and summary["👍 / 👎"] == "1 / 1" and summary["👍の割合"] == "50%"

    daily = page.locator("#daily-chart svg[role=img]")
    expect(daily).to_be_visible()
    name_ids = (daily.get_attribute("aria-labelledby") or "").split()
    assert len(name_ids) == 2 and page.locator(f"#{name_ids[0]}").evaluate("n => n.tagName") == "title"
    assert "合計3件" in (page.locator(f"#{name_ids[1]}").text_content() or "")
    # Today's bar is stacked: 2 answered + 1 abstained, drawn as two rectangles.
    assert daily.locator("rect.bar.answered").count() == 1
    assert daily.locator("rect.bar.abstained").count() == 1
    assert page.locator("#daily-table tbody tr").count() == 7

    cited = page.locator("#cited-chart svg[role=img]")
    expect(cited.locator("desc")).to_contain_text(f"No.17 {engine.entry(17).question}：1回")
    assert cited.locator("rect").count() == 2
    expect(page.locator("#unanswered li")).to_have_count(1)
    expect(page.locator("#unanswered li")).to_contain_text("駅前でおいしいラーメン屋を教えて")
    expect(page.locator("#language-table tbody tr")).to_have_count(1)
    expect(page.locator("#outcome-chart svg desc")).to_contain_text("回答 2件（66.7%）")

    # The key stays for this tab: a reload shows the figures again without asking.
    page.reload()
    expect(page.locator("#daily-chart svg[role=img]")).to_be_visible()
