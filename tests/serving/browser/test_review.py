"""The review page in headless Chromium, by keyboard: accept, mark as gap, dismiss; CSV; publish button."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from bot.index.store import CURRENT_FILE
from bot.settings import ROOT

from .axe import violations

pytestmark = pytest.mark.browser
ADMIN_KEY = "review-admin-key"
CANTEEN = ("社員食堂の今日のメニューを教えて", "社員食堂の今日のメニューを教えてください")
WEATHER = ("明日の東京の天気は？", "東京の明日の天気を教えてください")
PET = "ペットの犬を飼ってもいいですか"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest, ignore=shutil.ignore_patterns("feedback.sqlite3*", "*.tmp"))
    return dest


@pytest.fixture
def review_url(make_app: Callable[..., FastAPI], serve: Any, data_dir: Path, tmp_path: Path) -> Iterator[str]:
    # A private index folder: the Publish button must never touch the session's index.
    app = make_app(admin_key=ADMIN_KEY, data_dir=data_dir, index_dir=tmp_path / "index")
    with serve(app) as url:
        for q in (*CANTEEN, CANTEEN[0], *WEATHER, PET):  # oldest first; the page lists newest first
            assert httpx.post(f"{url}/api/chat", json={"question": q}, timeout=60).json()["mode"] == "abstain"
        yield url


def sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/desk/review")
    page.get_by_label("管理キー（X-Admin-Key）").fill(ADMIN_KEY)
    page.get_by_label("審査者の名前（記録用、省略時 admin）").fill("田中")
    page.get_by_label("審査者の名前（記録用、省略時 admin）").press("Enter")
    expect(page.locator("#queue-status")).to_contain_text("3件のまとまり（質問 6件）")


def test_accept_gap_and_dismiss_by_keyboard(page: Page, review_url: str, data_dir: Path) -> None:
    sign_in(page, review_url)
    cards = page.locator("article.cluster")
    expect(cards).to_have_count(3)
    expect(page.locator("#privacy-note")).to_contain_text("質問文はログに記録されません")
    canteen = cards.filter(has_text=CANTEEN[1])
    expect(canteen.locator("h3")).to_contain_text(f"3件 {CANTEEN[0]}")
    expect(canteen.locator(".kinds")).to_have_text("回答できなかった 3")
    expect(canteen.locator(".nearest li")).to_have_count(3)
    assert not [v for v in violations(page) if v.impact in ("serious", "critical")]

    # Accept: type the entry number, Tab to the button, Enter.
    number = canteen.get_by_label("言い換えとして採用するFAQ番号")
    number.fill("12")
    number.press("Tab")
    accept = canteen.get_by_role("button", name="言い換えとして採用")
    expect(accept).to_be_focused()
    page.keyboard.press("Enter")
    status = page.locator("#queue-status")
    expect(status).to_contain_text("3件の質問を No.12 の言い換えとして採用しました（新しい言い換え 2件）")
    expect(cards).to_have_count(2)
    alts = {
        json.loads(x)["no"]: json.loads(x)
        for x in (data_dir / "enrichment.jsonl").read_text("utf-8").splitlines()
    }
    assert alts[12]["alt_questions"][-2:] == list(CANTEEN)
    expect(page.locator("#review-log")).to_contain_text("田中：採用 No.12")

    # Focus went to the next row's heading; from there the row's buttons are a few Tabs away.
    weather = cards.filter(has_text=WEATHER[0])
    expect(weather.locator("h3")).to_be_focused()
    for _ in range(3):  # number, accept, gap
        page.keyboard.press("Tab")
    expect(weather.get_by_role("button", name="FAQの不足として記録")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status).to_contain_text("2件の質問を FAQ の不足として記録しました")
    expect(cards).to_have_count(1)

    pet = cards.filter(has_text=PET)
    expect(pet.locator("h3")).to_be_focused()
    for _ in range(4):  # number, accept, gap, dismiss
        page.keyboard.press("Tab")
    expect(pet.get_by_role("button", name="対象外にする")).to_be_focused()
    page.keyboard.press("Space")
    expect(status).to_contain_text("1件の質問を対象外にしました")
    expect(page.locator("#clusters")).to_have_text("審査待ちの質問はありません。")
    expect(page.locator("#queue-heading")).to_be_focused()
    # The accepted phrasings are data not yet published: the publish panel says so.
    # The servers notice within their poll; the page looks again every few seconds.
    expect(page.locator("#index-status")).to_contain_text("未公開の変更があります", timeout=20_000)

    # The gaps, as the FAQ editors get them.
    with page.expect_download() as download:
        page.get_by_role("button", name="CSVをダウンロード").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("gap_id,cluster_count,question,count")
    assert all(q in text for q in WEATHER) and PET not in text and CANTEEN[0] not in text
    expect(page.locator("#gaps-status")).to_have_text("CSVをダウンロードしました。")

    # After the reload the decisions hold: nothing is queued again.
    page.reload()
    expect(status).to_contain_text("0件のまとまり（質問 0件）")


def test_one_question_of_a_row_alone(page: Page, review_url: str) -> None:
    sign_in(page, review_url)
    canteen = page.locator("article.cluster").filter(has_text=CANTEEN[1])
    canteen.locator("summary").press("Enter")  # open the list of every question
    members = canteen.locator(".members > li")
    expect(members).to_have_count(3)
    members.last.get_by_role("button", name="対象外にする").press("Enter")  # the earliest
    expect(page.locator("#queue-status")).to_contain_text("1件の質問を対象外にしました")
    expect(members).to_have_count(2)
    # The row still acts on the rest, although its earliest member may be the one decided.
    canteen.get_by_role("button", name="FAQの不足として記録").first.press("Enter")
    expect(page.locator("#queue-status")).to_contain_text("2件の質問を FAQ の不足として記録しました")
    expect(page.locator("article.cluster")).to_have_count(2)


def test_wrong_key_says_so_and_nothing_loads(page: Page, review_url: str) -> None:
    page.goto(f"{review_url}/desk/review")
    page.get_by_label("管理キー（X-Admin-Key）").fill("not-the-key")
    page.get_by_role("button", name="読み込む").click()
    expect(page.locator("#access-error")).to_contain_text("管理キーが正しくない")
    expect(page.locator("article.cluster")).to_have_count(0)
    expect(page.get_by_label("管理キー（X-Admin-Key）")).to_be_focused()


def test_publish_button_shows_a_failed_publish(page: Page, review_url: str, data_dir: Path) -> None:
    # Broken data fails the publish at its first step, quickly; the running build stays.
    (data_dir / "faq.jsonl").write_text("{not json\n", encoding="utf-8")
    sign_in(page, review_url)
    button = page.get_by_role("button", name="公開する")
    expect(button).to_be_enabled()
    button.press("Enter")
    expect(page.locator("#publish-status")).to_contain_text("公開できませんでした", timeout=60_000)
    expect(page.locator("#publish-status")).to_contain_text("現在のビルドのまま応答します")
    expect(button).to_be_enabled()


def _swap_entries(data: Path) -> None:
    """A harmful edit: entries 1-40 trade their text in pairs, so every number names the wrong entry."""
    rows = [json.loads(x) for x in (data / "faq.jsonl").read_text("utf-8").splitlines() if x.strip()]
    by_no = {r["no"]: r for r in rows}
    for a in range(1, 41, 2):
        by_no[a], by_no[a + 1] = {**by_no[a + 1], "no": a}, {**by_no[a], "no": a + 1}
    (data / "faq.jsonl").write_text(
        "".join(json.dumps(by_no[r["no"]], ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    (data / "enrichment.jsonl").write_text("", encoding="utf-8")


@pytest.mark.slow
def test_publish_button_names_the_metric_that_fell(
    page: Page, make_app: Callable[..., FastAPI], serve: Any, publish_dirs: tuple[Path, Path]
) -> None:
    data, index = publish_dirs  # copies of data/ and of the session index (helper fixtures)
    _swap_entries(data)
    current = (index / CURRENT_FILE).read_text("utf-8")
    with serve(make_app(admin_key=ADMIN_KEY, data_dir=data, index_dir=index)) as url:
        page.goto(f"{url}/desk/review")
        page.get_by_label("管理キー（X-Admin-Key）").fill(ADMIN_KEY)
        page.get_by_role("button", name="読み込む").click()
        expect(page.locator("#index-status")).to_contain_text("未公開の変更があります", timeout=20_000)
        page.get_by_role("button", name="公開する").press("Enter")
        expect(page.locator("#publish-status")).to_contain_text("公開中", timeout=30_000)
        expect(page.locator("#publish-progress")).to_be_visible()
        status = page.locator("#publish-status")
        expect(status).to_contain_text("公開できませんでした", timeout=1_200_000)
        expect(status).to_contain_text("基準を下回った指標")
        fell = page.locator("#publish-metrics li")
        expect(fell.filter(has_text="recall@1").first).to_be_visible()
        expect(fell.first).to_contain_text("下限")
    assert (index / CURRENT_FILE).read_text("utf-8") == current  # the refused build changed nothing
