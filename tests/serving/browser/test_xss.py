"""Hostile markup everywhere text comes from, rendered as text in the widget and on /desk (Chromium).

Sources of text, each carrying `<script>`, `<img onerror>`, `<svg onload>` and a `javascript:`
link: the question a user types, the history the widget sends back, the FAQ itself (entry 17
re-published with markup in its question and its answer HTML, ingested and indexed the way
`faqbot ingest` and `faqbot index` do it) and the LLM's replies (a scripted model that answers in
HTML). Every payload sets `window.__xss` if it ever runs; none may, no element of theirs may be
created, and the markup must be visible as the characters it is made of.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from answering.scripted_llm import Scripted, ScriptedLLM
from playwright.sync_api import Locator, Page, expect

from bot.embedders.base import Embedder
from bot.engine import Engine
from bot.index import build_index, data_fingerprint
from bot.index.negatives import load_negatives
from bot.ingest import ingest_file, load_entries
from bot.serving import create_app
from bot.settings import Settings
from bot.text.analyzer import Analyzer
from bot.text.synonyms import Synonyms

pytestmark = pytest.mark.browser
Serve = Callable[..., AbstractContextManager[str]]
SHADOW = "document.getElementById('faqbot-widget').shadowRoot"


def _payloads(tag: str, short: bool = False) -> str:
    out = f'<script>window.__xss="{tag}-script"</script><img src=x onerror="window.__xss=\'{tag}-img\'">'
    if not short:
        out += f"<svg onload=\"window.__xss='{tag}-svg'\"></svg>"
        out += f"<a href=\"javascript:window.__xss='{tag}-link'\">{tag}-link</a>"
    return out


FAQ_QUESTION_MARKUP = _payloads("faq-q")
FAQ_ANSWER_MARKUP = _payloads("faq-a")
# What users type stays mostly Japanese, or the reply would (rightly) come in English.
QUESTION = "仮想サーバのディスク容量を増やしたいです" + _payloads("question", short=True)
LLM_REPLY = "ディスク拡張時はサーバの停止・起動が伴います。" + _payloads("llm") + "[No.17]"
FOLLOW_UP = "CPUの場合はどうなりますか？" + _payloads("follow", short=True)
LLM_FOLLOW_UP = "CPU変更時もサーバの停止が必要です。" + _payloads("llm2") + "[No.18]"


def _republish(raw: Path, out: Path) -> Path:
    """The export with entry 17's question (plain text as published) and its answer HTML carrying
    markup."""
    lines = raw.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        fields = line.split("\t")
        if fields[0] == "17":
            fields[2] += FAQ_QUESTION_MARKUP
            fields[3] = f"<p>{FAQ_ANSWER_MARKUP}</p>" + fields[3]
            lines[i] = "\t".join(fields)
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def hostile_engine(
    settings: Settings, engine: Engine, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory
) -> Engine:
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("*.sqlite3*"))
    raw = sorted((settings.data_dir / "raw").glob("*.txt"))[-1]
    report = ingest_file(_republish(raw, root / raw.name), data)
    assert report.edited == [17]
    # Start from the session's index, so only the changed texts are embedded again.
    index = root / "index"
    shutil.copytree(settings.index_dir, index)
    entries = load_entries(data)
    build_index(
        entries,
        Analyzer(Synonyms.load(data)),
        embedder,
        index,
        data_fingerprint(data, entries),
        negatives=load_negatives(data),
        data_dir=data,
        reuse=True,
    )
    hostile = Engine.open(data, index, embedder)
    question = hostile.entry(17).question
    assert FAQ_QUESTION_MARKUP in question and engine.entry(17).question in question
    return hostile


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM() as server:
        yield server


@pytest.fixture(scope="module")
def hostile_url(
    hostile_engine: Engine,
    settings: Settings,
    llm: ScriptedLLM,
    serve: Serve,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    update = {
        "data_dir": hostile_engine.index.path.parent.parent / "data",
        "index_dir": hostile_engine.index.path.parent,
        "llm_base_url": llm.base_url,
        "llm_timeout": 10.0,
        "rate_limit_per_minute": 0,
        "feedback_db": tmp_path_factory.mktemp("xss-db") / "f.sqlite3",
    }
    with serve(create_app(settings.model_copy(update=update), engine=hostile_engine)) as url:
        yield url


def _nothing_ran(page: Page, shadow: bool) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined", page.evaluate("window.__xss")
    roots = ["document", SHADOW] if shadow else ["document"]
    for root in roots:
        assert page.evaluate(f"{root}.querySelectorAll('img, svg, iframe, object, embed').length") == 0
        # The page's own scripts only: none from a payload.
        assert page.evaluate(f"[...{root}.querySelectorAll('script')].every(s => s.src)")
        assert page.evaluate(f"[...{root}.querySelectorAll('a')].every(a => /^https?:/.test(a.href))")
        assert page.evaluate(f"{root}.querySelectorAll('[onerror], [onload], [onclick]').length") == 0


def _ask(page: Page, question: str) -> Locator:
    done_before = page.locator(".fb-bot[data-mode]").count()
    page.locator(".fb-input").fill(question)
    page.locator(".fb-input").press("Enter")
    reply = page.locator(".fb-bot[data-mode]").nth(done_before)
    expect(reply).to_be_attached()
    return reply


def _streamed_text(body: str) -> str:
    events = [json.loads(line[5:]) for line in body.splitlines() if line.startswith("data:")]
    return "".join(e["text"] for e in events if e["type"] == "delta")


def test_widget_shows_every_hostile_text_as_text(page: Page, hostile_url: str, llm: ScriptedLLM) -> None:
    # The model's HTML is shown while it streams in; the checks after the guard (support, ...) may
    # then replace the reply. Either way it was in the page, so it must have been text.
    llm.reset()
    sentence, citation = LLM_FOLLOW_UP.split("<script>")[0], "[No.18]"
    payload = LLM_FOLLOW_UP[len(sentence) : -len(citation)]
    llm.enqueue(Scripted(content=LLM_REPLY), Scripted(chunks=(sentence, payload, citation)))
    page.goto(hostile_url)
    page.locator(".fb-launcher").click()

    with page.expect_response("**/api/chat/stream") as streamed:
        first = _ask(page, QUESTION)
    assert _payloads("llm") in _streamed_text(streamed.value.text())
    expect(page.locator(".fb-user .fb-text").first).to_have_text(QUESTION)
    first.locator(".fb-chip").first.click()
    entry = first.locator(".fb-entry")
    expect(entry.locator(".fb-entry-q")).to_contain_text(FAQ_QUESTION_MARKUP)
    # The answer HTML was turned into text at ingest: the link's words stay, code and URL go.
    answer = entry.locator(".fb-entry-a").text_content() or ""
    assert "faq-a-link" in answer and "__xss" not in answer
    _nothing_ran(page, shadow=True)

    with page.expect_request("**/api/chat/stream") as sent:
        _ask(page, FOLLOW_UP)  # the history holds the hostile question (and what was shown)
    history = (sent.value.post_data_json or {})["history"]
    assert history[0]["content"] == QUESTION
    # The model's second reply may lose its markup sentence to the support check before it is
    # shown; whatever was shown is checked below.
    expect(page.locator(".fb-user .fb-text").nth(1)).to_have_text(FOLLOW_UP)
    _nothing_ran(page, shadow=True)
    assert llm.pending == 0


def test_desk_shows_every_hostile_text_as_text(page: Page, hostile_url: str, llm: ScriptedLLM) -> None:
    llm.reset()  # nothing enqueued: each paragraph falls back to the FAQ's own (hostile) words
    page.goto(f"{hostile_url}/desk")
    inquiry = "お世話になっております。" + QUESTION + "\nよろしくお願いします。"
    page.get_by_label("お問い合わせ本文").fill(inquiry)
    page.get_by_role("button", name="回答案を作成").click()
    expect(page.locator("#result")).to_be_visible()
    shown = page.locator("#result").text_content() or ""
    for tag in ("question", "faq-q"):  # the inquiry as quoted back, and the cited entry's title
        assert f"<img src=x onerror=\"window.__xss='{tag}-img'\">" in shown, tag
    expect(page.locator("#used li").filter(has_text="No.17").first).to_contain_text(FAQ_QUESTION_MARKUP)
    _nothing_ran(page, shadow=False)


def test_faq_api_serves_markup_as_json_strings(hostile_url: str) -> None:
    """What a client receives is data (JSON strings), never a page that could run it."""
    import httpx

    r = httpx.get(f"{hostile_url}/api/faq/17", timeout=10)
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert FAQ_QUESTION_MARKUP in body["question"]
