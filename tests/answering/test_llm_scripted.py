"""The LLM writer end to end: real `openai` client, real HTTP, a scripted OpenAI-compatible server.

Each failure mode ends in the documented mode and reason:
normal → llm · stream → llm · unretrieved number → fallback/unretrieved_citation ·
no citation → fallback/no_citation · only a lower-ranked entry → fallback/missing_best_entry ·
empty → fallback/empty_reply · HTTP 500 → fallback/http_error ·
hang → fallback/timeout · malformed JSON → fallback/malformed_response ·
nothing listening → fallback/connection_error. Abstain never calls the model.
"""

from __future__ import annotations

import time

import pytest

from answering.scripted_llm import Scripted, ScriptedLLM
from bot.answering.generator import OpenAIGenerator
from bot.answering.service import AnswerService
from bot.answering.types import CitationsEvent, DeltaEvent, DoneEvent, StreamEvent
from bot.engine import Engine
from bot.models import Turn
from bot.settings import Settings

from .conftest import LLM_TIMEOUT

DISK = "Dドライブの容量を増やす手順を知りたい"
GOOD = "ディスク拡張時はサーバの停止・起動が伴います。[No.17] 拡張後はOS側で拡張作業が必要です。[No.17]"


def _split(events: list[StreamEvent]) -> tuple[CitationsEvent, str, DoneEvent]:
    first, last = events[0], events[-1]
    assert isinstance(first, CitationsEvent) and isinstance(last, DoneEvent)
    assert all(isinstance(e, DeltaEvent) for e in events[1:-1])
    return first, "".join(e.text for e in events[1:-1] if isinstance(e, DeltaEvent)), last


def test_normal_reply(llm_service: AnswerService, scripted: ScriptedLLM, llm_settings: Settings) -> None:
    scripted.enqueue(Scripted(content=GOOD))
    retrieval, reply = llm_service.answer(DISK)
    assert reply.mode == "llm" and reply.fallback_reason is None
    assert [c.no for c in reply.citations] == [17]
    assert reply.text.startswith(GOOD) and llm_service.linker.link(17) in reply.text
    [request] = scripted.history
    assert request["model"] == "scripted-model" and request["max_tokens"] == llm_settings.llm_max_tokens
    system, user = request["messages"][0], request["messages"][-1]
    assert system["role"] == "system" and "[No." in system["content"]
    # The model sees the retrieved entries with their numbers, and the question.
    assert DISK in user["content"]
    for hit in retrieval.hits[:3]:
        assert f"[No.{hit.no}]" in user["content"]


def test_streamed_reply(llm_service: AnswerService, scripted: ScriptedLLM) -> None:
    scripted.enqueue(
        Scripted(
            chunks=(
                "ディスク拡張時は",
                "サーバの停止が",
                "伴います。[No",
                ".17]",
                " 拡張作業は弊社で実施します。",
            )
        )
    )
    citations, shown, done = _split(list(llm_service.stream(DISK)))
    assert scripted.history[0]["stream"] is True
    assert 17 in [c.no for c in citations.citations]  # the entries the model was given
    assert done.reply.mode == "llm" and not done.replaced
    assert [c.no for c in done.reply.citations] == [17]
    assert shown == done.reply.text and shown.startswith(
        "ディスク拡張時はサーバの停止が伴います。[No.17] 拡張作業は弊社で実施します。"
    )


@pytest.mark.parametrize("invented", ["[No.99]", "［Ｎｏ．４７］", "FAQ No.47"])
def test_reply_citing_an_unretrieved_entry_falls_back(
    llm_service: AnswerService, scripted: ScriptedLLM, invented: str
) -> None:
    scripted.enqueue(Scripted(content=f"停止が必要です。[No.17] 料金は無料です。{invented}"))
    retrieval, reply = llm_service.answer(DISK)
    assert 47 not in retrieval.numbers[:3]
    assert reply.mode == "fallback" and reply.fallback_reason == "unretrieved_citation"
    assert [c.no for c in reply.citations] == [17]  # the extractive reply's
    assert "料金は無料" not in reply.text and "No.47" not in reply.text and "No.99" not in reply.text


def test_streamed_unretrieved_citation_is_never_shown(
    llm_service: AnswerService, scripted: ScriptedLLM
) -> None:
    scripted.enqueue(
        Scripted(
            chunks=(
                "サーバの停止・起動が伴います。[No.17] ",
                "料金は[No",
                ".9",
                "9]です。",
                "続きの文章です。",
            )
        )
    )
    _, shown, done = _split(list(llm_service.stream(DISK)))
    assert done.replaced and done.reply.mode == "fallback"
    assert done.reply.fallback_reason == "unretrieved_citation"
    assert "99" not in shown and "続き" not in shown  # stopped at the invented number
    assert shown.startswith("サーバの停止・起動が伴います。[No.17]")


def test_reply_citing_only_a_lower_ranked_entry_falls_back(
    llm_service: AnswerService, scripted: ScriptedLLM, engine: Engine
) -> None:
    second = engine.retrieve(DISK).hits[1].no
    scripted.enqueue(Scripted(content=f"サーバの停止・起動が伴います。[No.{second}]"))
    _, reply = llm_service.answer(DISK)
    assert reply.mode == "fallback" and reply.fallback_reason == "missing_best_entry"
    assert [c.no for c in reply.citations] == [17]


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (Scripted(content="サーバの停止・起動が伴います。"), "no_citation"),
        (Scripted(content=""), "empty_reply"),
        (Scripted(content="  \n"), "empty_reply"),
        (Scripted(status=500), "http_error"),
        (Scripted(status=401), "http_error"),
        (Scripted(delay=LLM_TIMEOUT + 3, content=GOOD), "timeout"),
        (Scripted(raw=b'{"choices": [{"message": '), "malformed_response"),
        (Scripted(raw=b'{"object": "error"}'), "malformed_response"),
    ],
    ids=["no-citation", "empty", "blank", "http-500", "http-401", "hang", "malformed-json", "no-choices"],
)
def test_unusable_replies_fall_back_to_extractive(
    llm_service: AnswerService, service: AnswerService, scripted: ScriptedLLM, script: Scripted, reason: str
) -> None:
    retrieval = llm_service.engine.retrieve(DISK)
    scripted.enqueue(script)
    started = time.monotonic()
    reply = llm_service.reply(retrieval)
    assert time.monotonic() - started < LLM_TIMEOUT + 2  # a hang costs the timeout, not the hang
    assert reply.mode == "fallback" and reply.fallback_reason == reason
    extractive = service.answer(DISK)[1]
    assert reply.text == extractive.text and reply.citations == extractive.citations


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (Scripted(chunks=("ディスクは", "停止が必要"), chunk_delay=LLM_TIMEOUT + 3), "timeout"),
        (Scripted(chunks=("停止が必要です。",)), "no_citation"),
        (Scripted(chunks=()), "empty_reply"),
        (Scripted(status=500), "http_error"),
        (Scripted(raw=b"data: {not json\n\n"), "malformed_response"),
    ],
    ids=["hang-mid-stream", "no-citation", "empty", "http-500", "malformed-chunk"],
)
def test_stream_failures_end_in_a_replaced_fallback(
    llm_service: AnswerService, scripted: ScriptedLLM, script: Scripted, reason: str
) -> None:
    scripted.enqueue(script)
    _, _, done = _split(list(llm_service.stream(DISK)))
    assert done.replaced and done.reply.mode == "fallback" and done.reply.fallback_reason == reason
    assert [c.no for c in done.reply.citations] == [17]


def test_nothing_listening_is_a_connection_error(engine: Engine, settings: Settings) -> None:
    dead = settings.model_copy(update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_timeout": 2.0})
    _, reply = AnswerService.from_settings(engine, dead).answer(DISK)
    assert reply.mode == "fallback" and reply.fallback_reason == "connection_error"


def test_abstain_never_calls_the_model(llm_service: AnswerService, scripted: ScriptedLLM) -> None:
    _, reply = llm_service.answer("水道代の口座振替を申し込みたい")
    events = list(llm_service.stream("水道代の口座振替を申し込みたい"))
    assert (
        reply.mode == "abstain" and isinstance(events[-1], DoneEvent) and events[-1].reply.mode == "abstain"
    )
    assert scripted.history == []


def test_follow_up_passes_the_history_to_the_model(llm_service: AnswerService, scripted: ScriptedLLM) -> None:
    history = (
        Turn(role="user", content=DISK),
        Turn(role="assistant", content="ディスク拡張時はサーバの停止・起動が伴います。[No.17]"),
    )
    scripted.enqueue(Scripted(content="メモリ変更時もサーバのシャットダウンが必要です。[No.18]"))
    _, reply = llm_service.answer("メモリならどう？", history=history)
    assert reply.mode == "llm" and [c.no for c in reply.citations] == [18]
    messages = scripted.history[0]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[1]["content"] == DISK and "[No.18]" in messages[-1]["content"]


def test_english_question_asks_for_an_english_answer(
    llm_service: AnswerService, scripted: ScriptedLLM
) -> None:
    scripted.enqueue(Scripted(content="About one month after you apply. [No.37]"))
    _, reply = llm_service.answer("What is the lead time for a new mobile line?")
    assert reply.mode == "llm" and reply.language == "en" and "Sources:" in reply.text
    assert "Answer in English" in scripted.history[0]["messages"][-1]["content"]


def test_generator_alone(scripted: ScriptedLLM) -> None:
    generator = OpenAIGenerator(scripted.base_url, "m", timeout=LLM_TIMEOUT)
    scripted.enqueue(Scripted(content="はい。"), Scripted(content="はい、そうです。"))
    assert generator.complete([{"role": "user", "content": "?"}]) == "はい。"
    assert "".join(generator.stream([{"role": "user", "content": "?"}])) == "はい、そうです。"
