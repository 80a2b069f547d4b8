"""/v1 through the official `openai` client against our own server on real uvicorn."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import openai
import pytest

from bot.engine import Engine
from bot.serving import create_app
from bot.settings import Settings

KEY = "test-key-123"
DISK = "Dドライブの容量を増やす手順を知りたい"


@pytest.fixture(scope="module")
def base_url(
    settings: Settings, engine: Engine, serve: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("openai") / "feedback.sqlite3"
    app = create_app(
        settings.model_copy(update={"api_key": KEY, "rate_limit_per_minute": 0, "feedback_db": db}), engine
    )
    with serve(app) as url:
        yield f"{url}/v1"


@pytest.fixture
def oai(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key=KEY, max_retries=0, timeout=60)


def test_models_list(oai: openai.OpenAI) -> None:
    assert [m.id for m in oai.models.list()] == ["faqbot"]


def test_completion_cites_in_text_and_in_the_extra_field(oai: openai.OpenAI) -> None:
    completion = oai.chat.completions.create(model="faqbot", messages=[{"role": "user", "content": DISK}])
    choice = completion.choices[0]
    assert choice.message.role == "assistant" and choice.finish_reason == "stop"
    assert "[No.17]" in (choice.message.content or "")
    extra: dict[str, Any] = completion.model_extra["faqbot"]  # type: ignore[index]
    assert extra["mode"] == "extractive" and [c["no"] for c in extra["citations"]] == [17]
    assert completion.id == f"chatcmpl-{extra['request_id']}"
    assert completion.model == "faqbot"


def test_any_model_name_is_answered_by_faqbot(oai: openai.OpenAI) -> None:
    # Clients often keep a default model name; the answer says who really answered.
    messages: Any = [{"role": "user", "content": DISK}]
    completion = oai.chat.completions.create(model="gpt-4o-mini", messages=messages)
    assert completion.model == "faqbot" and "[No.17]" in (completion.choices[0].message.content or "")


def test_history_travels_as_messages(oai: openai.OpenAI) -> None:
    completion = oai.chat.completions.create(
        model="faqbot",
        messages=[
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": DISK},
            {"role": "assistant", "content": "FAQに以下の記載がございます。… [No.17]"},
            {"role": "user", "content": [{"type": "text", "text": "メモリならどう？"}]},
        ],
        temperature=0.2,  # ignored, but must not be refused
        max_tokens=100,
    )
    assert "[No.18]" in (completion.choices[0].message.content or "")


def test_stream_matches_the_non_streamed_reply(oai: openai.OpenAI) -> None:
    plain = oai.chat.completions.create(model="faqbot", messages=[{"role": "user", "content": DISK}])
    chunks = list(
        oai.chat.completions.create(model="faqbot", messages=[{"role": "user", "content": DISK}], stream=True)
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == plain.choices[0].message.content
    assert len({c.id for c in chunks}) == 1
    extra = chunks[-1].model_extra["faqbot"]  # type: ignore[index]
    assert [c["no"] for c in extra["citations"]] == [17]


def test_abstention_lists_related_entries_not_citations(oai: openai.OpenAI) -> None:
    for stream in (False, True):
        if stream:
            chunks = oai.chat.completions.create(
                model="faqbot",
                messages=[{"role": "user", "content": "駅前でおいしいラーメン屋を教えて"}],
                stream=True,
            )
            text = "".join(c.choices[0].delta.content or "" for c in chunks)
        else:
            completion = oai.chat.completions.create(
                model="faqbot", messages=[{"role": "user", "content": "駅前でおいしいラーメン屋を教えて"}]
            )
            text = completion.choices[0].message.content or ""
        assert "関連するFAQ" in text and "[No." not in text


def test_raw_stream_ends_with_done(base_url: str) -> None:
    body = {"model": "faqbot", "stream": True, "messages": [{"role": "user", "content": "SLAは？"}]}
    r = httpx.post(
        f"{base_url}/chat/completions", json=body, headers={"Authorization": f"Bearer {KEY}"}, timeout=60
    )
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.text.endswith("data: [DONE]\n\n")


def test_errors_reach_the_client_as_openai_errors(base_url: str, oai: openai.OpenAI) -> None:
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=base_url, api_key="wrong", max_retries=0).models.list()
    with pytest.raises(openai.UnprocessableEntityError, match="last message"):
        oai.chat.completions.create(model="faqbot", messages=[{"role": "assistant", "content": "hi"}])
    with pytest.raises(openai.UnprocessableEntityError, match="empty"):
        oai.chat.completions.create(model="faqbot", messages=[{"role": "user", "content": "   "}])


def test_an_overlong_earlier_user_turn_is_refused(oai: openai.OpenAI) -> None:
    # Follow-ups search the previous user turn again, so it obeys the question's length limit.
    messages: Any = [
        {"role": "user", "content": "あ" * 20_000},
        {"role": "assistant", "content": "x"},
        {"role": "user", "content": "CPUは？"},
    ]
    with pytest.raises(openai.UnprocessableEntityError, match=r"messages\.0\.content"):
        oai.chat.completions.create(model="faqbot", messages=messages)
