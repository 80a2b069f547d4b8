"""The LLM writer: a model writes the reply from the retrieved entries; the guard decides if it ships.

The model sees only the entries retrieval found (their numbers included) and the conversation so
far. Whatever it writes goes through the citation guard; an unusable reply — no valid citation,
an invented number, none of the best entries cited, an empty reply, or any endpoint failure —
is replaced by the extractive reply
with mode "fallback" and the reason. When retrieval abstains the model is never called.

Streaming shows text as it arrives but holds back anything that could still turn into a citation,
and stops the moment an unretrieved number appears, so an invented source never reaches a user.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from bot.answering import guard
from bot.answering.extractive import ExtractiveWriter
from bot.answering.generator import Generator, Message
from bot.answering.prompts import PromptSet
from bot.answering.types import CitationsEvent, DeltaEvent, DoneEvent, StreamEvent
from bot.errors import GeneratorError
from bot.models import Citation, Hit, Reply, Retrieval, Turn

log = logging.getLogger(__name__)

# Entries per question shown to the model, and in all: enough to answer, few enough to stay on topic.
CONTEXT_PER_PART = 3
MAX_CONTEXT = 6
MAX_HISTORY_TURNS = 6
_TURN_CHARS = 800


@dataclass(frozen=True)
class Attempt:
    """One model call judged by the guard. `text` is empty when the call itself failed."""

    text: str
    verdict: guard.Verdict
    detail: str = ""


class LLMWriter:
    def __init__(self, generator: Generator, prompts: PromptSet, extractive: ExtractiveWriter) -> None:
        self._generator = generator
        self._prompts = prompts
        self._extractive = extractive

    # -- what the model sees -------------------------------------------------------------------

    def context(self, retrieval: Retrieval) -> list[Hit]:
        """The entries the model may cite: each answerable question's top hits, best first."""
        out: dict[int, Hit] = {}
        parts = [p for p in (retrieval.parts or (retrieval,)) if p.answerable]
        for depth in range(CONTEXT_PER_PART):
            for part in parts:
                if depth < len(part.hits) and len(out) < MAX_CONTEXT:
                    out.setdefault(part.hits[depth].no, part.hits[depth])
        return list(out.values())

    def messages(
        self, retrieval: Retrieval, history: tuple[Turn, ...] = (), template: str = "answer"
    ) -> list[Message]:
        entries = self._extractive.linker.entries
        blocks = [
            self._prompts.render(
                "entry", no=str(h.no), question=entries[h.no].question, answer=entries[h.no].answer
            )
            for h in self.context(retrieval)
        ]
        context = self._prompts.render("context", entries="\n\n".join(blocks))
        values = {"context": context, "question": retrieval.query}
        if template == "answer":
            values["language_instruction"] = self._prompts.render(f"language_{retrieval.language}")
        out: list[Message] = [{"role": "system", "content": self._prompts.render("system")}]
        for turn in history[-MAX_HISTORY_TURNS:]:
            out.append({"role": turn.role, "content": turn.content[:_TURN_CHARS]})
        out.append({"role": "user", "content": self._prompts.render(template, **values)})
        return out

    # -- one call, judged ----------------------------------------------------------------------

    def attempt(
        self, retrieval: Retrieval, history: tuple[Turn, ...] = (), template: str = "answer"
    ) -> Attempt:
        allowed = {h.no for h in self.context(retrieval)}
        required = best_entries(retrieval)
        try:
            text = self._generator.complete(self.messages(retrieval, history, template))
        except GeneratorError as exc:
            return Attempt("", guard.Verdict(False, (), (), exc.reason), exc.detail)
        verdict = guard.check(text, allowed, required)
        return Attempt(text.strip(), verdict, verdict.detail)

    def citations(self, retrieval: Retrieval, numbers: tuple[int, ...]) -> tuple[Citation, ...]:
        by_no = {h.no: h for h in self.context(retrieval)}
        return tuple(self._extractive.linker.citation(by_no[n]) for n in numbers)

    # -- replies -------------------------------------------------------------------------------

    def fallback(self, retrieval: Retrieval, reason: str, detail: str = "") -> Reply:
        log.warning("LLM reply replaced by the extractive one: %s %s", reason, detail)
        reply = self._extractive.write(retrieval)
        return reply.model_copy(update={"mode": "fallback", "fallback_reason": reason})

    def _reply(self, retrieval: Retrieval, text: str, cited: tuple[int, ...]) -> Reply:
        citations = self.citations(retrieval, cited)
        sources = self._extractive.sources(citations, retrieval.language)
        return Reply(
            text=f"{text}\n\n{sources}",
            mode="llm",
            citations=citations,
            confidence=retrieval.confidence,
            language=retrieval.language,
            search_text=retrieval.search_text,
        )

    def write(self, retrieval: Retrieval, history: tuple[Turn, ...] = ()) -> Reply:
        if not retrieval.answerable or not retrieval.hits:
            return self._extractive.abstain(retrieval)
        result = self.attempt(retrieval, history)
        if not result.verdict.ok:
            return self.fallback(retrieval, result.verdict.reason or guard.NO_CITATION, result.detail)
        return self._reply(retrieval, result.text, result.verdict.cited)

    def stream(self, retrieval: Retrieval, history: tuple[Turn, ...] = ()) -> Iterator[StreamEvent]:
        """CitationsEvent (the entries given to the model), guarded deltas, DoneEvent with the verdict."""
        if not retrieval.answerable or not retrieval.hits:
            yield from stream_reply(self._extractive.abstain(retrieval))
            return
        context = self.context(retrieval)
        allowed = {h.no for h in context}
        yield CitationsEvent(
            citations=tuple(self._extractive.linker.citation(h) for h in context),
            confidence=retrieval.confidence,
        )
        raw, shown, failure = "", 0, None
        try:
            for piece in self._generator.stream(self.messages(retrieval, history)):
                raw += piece
                # Leading and trailing whitespace is never shown, so what was shown stays a prefix.
                body = raw.lstrip()
                safe = min(guard.safe_prefix_length(body), len(body.rstrip()))
                invented = [n for n in guard.referenced_numbers(body[:safe]) if n not in allowed]
                if invented:  # stop before the invented source is shown
                    failure = (guard.UNRETRIEVED_CITATION, f"cites No.{invented[0]} which was not retrieved")
                    break
                if safe > shown:
                    yield DeltaEvent(text=body[shown:safe])
                    shown = safe
        except GeneratorError as exc:
            failure = (exc.reason, exc.detail)
        verdict = guard.check(raw, allowed, best_entries(retrieval))
        if failure is None and not verdict.ok:
            failure = (verdict.reason or guard.NO_CITATION, verdict.detail)
        if failure is not None:
            yield DoneEvent(reply=self.fallback(retrieval, *failure), replaced=True)
            return
        reply = self._reply(retrieval, raw.strip(), verdict.cited)
        yield DeltaEvent(text=reply.text[shown:])
        yield DoneEvent(reply=reply)


def best_entries(retrieval: Retrieval) -> set[int]:
    """Each answerable question's top hit: a reply must cite at least one of them."""
    return {p.hits[0].no for p in (retrieval.parts or (retrieval,)) if p.answerable and p.hits}


def stream_reply(reply: Reply, chunk_chars: int = 24) -> Iterator[StreamEvent]:
    """A finished reply as events: citations, the text in small pieces, done."""
    yield CitationsEvent(
        citations=reply.citations, suggestions=reply.suggestions, confidence=reply.confidence
    )
    for i in range(0, len(reply.text), chunk_chars):
        yield DeltaEvent(text=reply.text[i : i + chunk_chars])
    yield DoneEvent(reply=reply)
