"""Near-ties: which replies carry the top two as `alternatives`, in answer() and in the stream."""

from __future__ import annotations

import pytest

from answering.scripted_llm import Scripted, ScriptedLLM
from bot.answering.base import Linker
from bot.answering.service import AnswerService
from bot.answering.ties import alternatives, is_near_tie, tie_margin_of, with_alternatives
from bot.answering.types import CitationsEvent, DoneEvent
from bot.engine import Engine
from bot.models import Citation, Hit, Reply, ReplyMode, Retrieval
from bot.settings import Settings

DISK = "仮想サーバのディスク容量を増やしたい"


def retrieval(*scores: float, answerable: bool = True, parts: int = 0) -> Retrieval:
    hits = tuple(Hit(no=i + 1, score=s, rank=i + 1) for i, s in enumerate(scores))
    part = Retrieval(query="q", search_text="q", language="ja", hits=hits, answerable=True, confidence=0.9)
    return Retrieval(
        query="q",
        search_text="q",
        language="ja",
        hits=hits,
        answerable=answerable,
        confidence=0.9,
        parts=(part,) * parts,
    )


def test_margin_is_first_minus_second_on_answerable_single_questions() -> None:
    assert tie_margin_of(retrieval(1.5, 1.25, 0.5)) == 0.25
    assert tie_margin_of(retrieval(1.5)) is None  # nothing to choose between
    assert tie_margin_of(retrieval(1.5, 1.49, answerable=False)) is None
    assert tie_margin_of(retrieval(1.5, 1.49, parts=2)) is None  # each part has its own answer


def test_near_tie_is_strictly_below_the_margin_and_zero_turns_it_off() -> None:
    r = retrieval(1.0, 0.9)
    assert is_near_tie(r, 0.11) and not is_near_tie(r, 0.09)
    assert is_near_tie(retrieval(1.0, 1.0), 0.01) and not is_near_tie(retrieval(1.0, 1.0), 0.0)


def test_alternatives_are_citations_of_the_top_two(engine: Engine) -> None:
    linker = Linker(engine.entries, "https://faq.example/#{no}")
    offered = alternatives(retrieval(1.0, 0.95, 0.9), linker, 0.1)
    assert [(c.no, c.question, c.link, c.score) for c in offered] == [
        (1, engine.entry(1).question, "https://faq.example/#1", 1.0),
        (2, engine.entry(2).question, "https://faq.example/#2", 0.95),
    ]
    assert alternatives(retrieval(1.0, 0.5), linker, 0.1) == ()


def test_only_answers_keep_them() -> None:
    offered = tuple(Citation(no=n, question=f"Q{n}", link=f"#{n}", score=1.0) for n in (3, 4))
    modes: tuple[ReplyMode, ...] = ("extractive", "llm", "abstain", "fallback")
    kept = [m for m in modes if with_alternatives(Reply(text="…", mode=m), offered).alternatives == offered]
    assert kept == ["extractive", "llm"]


def test_service_offers_them_by_its_margin(engine: Engine, settings: Settings) -> None:
    wide = AnswerService.build(engine, settings.model_copy(update={"tie_margin": 10.0}))
    off = AnswerService.build(engine, settings.model_copy(update={"tie_margin": 0.0}))
    retrieved, reply = wide.answer(DISK)
    assert [c.no for c in reply.alternatives] == retrieved.numbers[:2]
    assert off.answer(DISK)[1].alternatives == ()
    # The calibrated default: offered exactly when this question's own margin is under it.
    default = AnswerService.build(engine, settings)
    margin = tie_margin_of(retrieved)
    assert margin is not None
    assert bool(default.answer(DISK)[1].alternatives) is (margin < settings.tie_margin)


def test_stream_sends_them_first_and_in_the_final_reply(engine: Engine, settings: Settings) -> None:
    wide = AnswerService.build(engine, settings.model_copy(update={"tie_margin": 10.0}))
    events = list(wide.stream(DISK))
    first, last = events[0], events[-1]
    assert isinstance(first, CitationsEvent) and isinstance(last, DoneEvent)
    assert len(first.alternatives) == 2 and first.alternatives == last.reply.alternatives


@pytest.fixture
def wide_llm(engine: Engine, llm_settings: Settings) -> AnswerService:
    return AnswerService.from_settings(engine, llm_settings.model_copy(update={"tie_margin": 10.0}))


def test_an_llm_reply_the_guard_rejects_loses_them(wide_llm: AnswerService, scripted: ScriptedLLM) -> None:
    scripted.enqueue(Scripted(content="停止が必要です。[No.17] 料金は無料です。[No.99]"))
    events = list(wide_llm.stream(DISK))
    first, last = events[0], events[-1]
    assert isinstance(first, CitationsEvent) and isinstance(last, DoneEvent)
    assert len(first.alternatives) == 2  # sent before the verdict
    assert last.reply.mode == "fallback" and last.reply.alternatives == ()
    scripted.enqueue(Scripted(content="ディスク拡張時はサーバの停止・起動が伴います。[No.17]"))
    _, reply = wide_llm.answer("Dドライブの容量を増やす手順を知りたい")
    assert reply.mode == "llm" and len(reply.alternatives) == 2
