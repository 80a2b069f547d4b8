"""From a question to a reply: retrieve, write with the configured writer, guard, stream, draft.

This is the one object the edges (CLI, HTTP) talk to. It holds no per-request state: the writers
keep only read-only data and caches guarded by locks, so one instance serves all threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from bot.answering import guard
from bot.answering.base import Linker
from bot.answering.cache import ReplyCache
from bot.answering.drafting import Drafter
from bot.answering.extractive import ExtractiveWriter
from bot.answering.generator import Generator, OpenAIGenerator
from bot.answering.llm import LLMWriter, stream_reply
from bot.answering.prompts import PromptSet
from bot.answering.sections import SectionPicker
from bot.answering.selection import EntryChooser
from bot.answering.support import SupportChecker
from bot.answering.ties import alternatives, with_alternatives
from bot.answering.types import CitationsEvent, DoneEvent, Draft, StreamEvent
from bot.engine import Engine
from bot.models import Citation, Reply, Retrieval, Turn
from bot.settings import Settings


class AnswerService:
    def __init__(
        self,
        engine: Engine,
        extractive: ExtractiveWriter,
        llm: LLMWriter | None = None,
        cache: ReplyCache | None = None,
        tie_margin: float = 0.0,
        retrieval_slots: int = 0,
    ) -> None:
        self.engine = engine
        # Retrieval is CPU work: a few at once keep the cores busy, more only queue inside the
        # process. Waiting for an LLM is not, so it happens outside these slots; a thread pool
        # bounded for both would let slow LLM replies hold back every other question.
        self._slots = threading.BoundedSemaphore(retrieval_slots) if retrieval_slots > 0 else None
        self.tie_margin = tie_margin
        self.cache = cache or ReplyCache(0)
        self.extractive = extractive
        self.llm = llm
        self.linker = extractive.linker
        self._drafter = Drafter(lambda text: self._retrieve(text, k=5), extractive, llm)

    @classmethod
    def from_settings(cls, engine: Engine, settings: Settings) -> AnswerService:
        """Extractive always; the LLM writer too when `llm_base_url` is set."""
        generator = None
        if settings.llm_base_url:  # what Settings.llm_enabled checks, spelled out for the type checker
            generator = OpenAIGenerator(
                base_url=settings.llm_base_url,
                model=settings.llm_model,
                api_key=settings.llm_api_key,
                timeout=settings.llm_timeout,
                max_tokens=settings.llm_max_tokens,
                temperature=settings.llm_temperature,
            )
        return cls.build(engine, settings, generator)

    @classmethod
    def build(cls, engine: Engine, settings: Settings, generator: Generator | None = None) -> AnswerService:
        """Wire the writers; `generator` None means extractive only (tests pass their own)."""
        extractive = ExtractiveWriter(
            Linker(engine.entries, settings.faq_link_template),
            SectionPicker(engine.entries, engine.analyzer),
            EntryChooser(engine.entries, engine.analyzer),
        )
        llm = None
        if generator is not None:
            prompts = PromptSet(settings.prompts_dir)
            # The prescribed "not in the FAQ" line and the entry block's labels are our words, not
            # claims a reply makes about the platform.
            labels = prompts.render("entry", no="", question="", answer="")
            support = SupportChecker(
                engine.entries, engine.analyzer, prompts.render("not_covered"), engine.embedder, labels
            )
            llm = LLMWriter(generator, prompts, extractive, support)
        # Extractive replies only: they are a function of the question and the build. An LLM's
        # reply is not, and a cached one would repeat a bad reply to everyone who asks again.
        cache = ReplyCache(settings.reply_cache_size if llm is None else 0)
        return cls(engine, extractive, llm, cache, settings.tie_margin, settings.answer_threads)

    @property
    def mode(self) -> str:
        return "llm" if self.llm is not None else "extractive"

    def reply(self, retrieval: Retrieval, history: tuple[Turn, ...] = ()) -> Reply:
        """The guarded reply for a retrieval already made (abstain never reaches the LLM)."""
        if not retrieval.answerable or not retrieval.hits:
            return self.extractive.abstain(retrieval)
        if self.llm is not None:
            return self.llm.write(retrieval, history)
        return self._checked(retrieval, self.extractive.write(retrieval))

    def answer(
        self, question: str, history: tuple[Turn, ...] = (), category: str | None = None, k: int = 5
    ) -> tuple[Retrieval, Reply]:
        key = ReplyCache.key(question, history, category, k)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        retrieval = self._retrieve(question, k=k, category=category, history=history)
        answered = retrieval, self._finished(retrieval, self.reply(retrieval, history))
        self.cache.put(key, answered)
        return answered

    def stream(
        self, question: str, history: tuple[Turn, ...] = (), category: str | None = None, k: int = 5
    ) -> Iterator[StreamEvent]:
        """CitationsEvent, DeltaEvents, then DoneEvent(reply, replaced)."""
        retrieval = self._retrieve(question, k=k, category=category, history=history)
        if self.llm is not None and retrieval.answerable and retrieval.hits:
            events = self.llm.stream(retrieval, history)
        else:
            events = stream_reply(self.reply(retrieval, history))
        offered = alternatives(retrieval, self.linker, self.tie_margin)
        for event in events:
            if isinstance(event, CitationsEvent):
                event = event.model_copy(update={"alternatives": offered})
            elif isinstance(event, DoneEvent):
                event = event.model_copy(update={"reply": self._finished(retrieval, event.reply, offered)})
            yield event

    def _retrieve(
        self, question: str, k: int = 5, category: str | None = None, history: tuple[Turn, ...] = ()
    ) -> Retrieval:
        if self._slots is None:
            return self.engine.retrieve(question, k=k, category=category, history=history)
        with self._slots:
            return self.engine.retrieve(question, k=k, category=category, history=history)

    def draft(self, inquiry: str) -> Draft:
        return self._drafter.draft(inquiry)

    def _finished(
        self, retrieval: Retrieval, reply: Reply, offered: tuple[Citation, ...] | None = None
    ) -> Reply:
        """What the edges record and show: the best hits, and the near-tied pair if any."""
        if offered is None:
            offered = alternatives(retrieval, self.linker, self.tie_margin)
        return with_alternatives(_with_hits(retrieval, reply), offered)

    def _checked(self, retrieval: Retrieval, reply: Reply) -> Reply:
        # The extractive writer cites only hits, so this never fires unless a bug slips in; the
        # guard runs on every writer all the same, and an uncited reply must not reach a user.
        allowed = {h.no for part in (retrieval, *retrieval.parts) for h in part.hits}
        verdict = guard.check(reply.text, allowed)
        if verdict.ok:
            return reply
        abstain = self.extractive.abstain(retrieval)
        return abstain.model_copy(update={"mode": "fallback", "fallback_reason": verdict.reason})


RECORDED_HITS = 3


def _with_hits(retrieval: Retrieval, reply: Reply) -> Reply:
    return reply.model_copy(update={"hits": retrieval.hits[:RECORDED_HITS]})


def answer_from_settings(
    engine: Engine,
    settings: Settings,
    question: str,
    k: int = 5,
    category: str | None = None,
    history: tuple[Turn, ...] = (),
) -> tuple[Retrieval, Reply]:
    return AnswerService.from_settings(engine, settings).answer(question, history, category, k)
