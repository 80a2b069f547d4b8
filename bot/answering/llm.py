"""The LLM writer: a model writes the reply from the retrieved entries; the guard decides if it ships.

The model sees only the entries retrieval found (their numbers included) and the conversation so
far. Whatever it writes goes through the citation guard; an unusable reply — no valid citation,
an invented number, none of the best entries cited, an empty reply, a reply in another language
than the question's, or any endpoint failure — is replaced by the extractive reply
with mode "fallback" and the reason. When retrieval abstains the model is never called.

Streaming shows text as it arrives but holds back anything that could still turn into a citation,
and stops the moment an unretrieved number appears, so an invented source never reaches a user.
Nothing is shown either until there is enough text to tell its language, and a reply in the
wrong language stops there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from bot.answering import guard
from bot.answering.extractive import ExtractiveWriter
from bot.answering.generator import Generator, Message
from bot.answering.prompts import PromptSet
from bot.answering.reply_language import WRONG_LANGUAGE, language_verdict
from bot.answering.support import UNSUPPORTED_CLAIM, SupportChecker, complete_length
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
    def __init__(
        self,
        generator: Generator,
        prompts: PromptSet,
        extractive: ExtractiveWriter,
        support: SupportChecker | None = None,
    ) -> None:
        self._generator = generator
        self._prompts = prompts
        self._extractive = extractive
        self._support = support

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
        system = self._prompts.render("system", not_covered=self._prompts.render("not_covered"))
        out: list[Message] = [{"role": "system", "content": system}]
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
        if language_verdict(text, retrieval.language, final=True) is False:
            detail = f"the question is in {retrieval.language}, the reply is not"
            return Attempt(text.strip(), guard.Verdict(False, (), (), WRONG_LANGUAGE), detail)
        verdict = guard.check(text, allowed, required)
        if not verdict.ok or self._support is None:
            return Attempt(text.strip(), verdict, verdict.detail)
        return self._supported(retrieval, text, verdict.cited, allowed, required)

    def _supported(
        self, retrieval: Retrieval, text: str, cited: tuple[int, ...], allowed: set[int], required: set[int]
    ) -> Attempt:
        """The reply without its unsupported sentences, or a failed attempt when too little is left."""
        assert self._support is not None
        support = self._support.check(text, cited, retrieval.query, retrieval.language)
        if support.dropped:
            log.warning("dropped %d unsupported sentence(s): %s", len(support.dropped), support.detail)
        kept = support.kept
        verdict = guard.check(kept, allowed, required) if support.usable else None
        if verdict is None or not verdict.ok:
            return Attempt("", guard.Verdict(False, (), (), UNSUPPORTED_CLAIM), support.detail)
        return Attempt(kept, verdict, verdict.detail)

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
        raw, judged, shown, failure = "", 0, "", None
        dropped: list[str] = []
        language_ok: bool | None = None
        wrong_language = (WRONG_LANGUAGE, f"the question is in {retrieval.language}, the reply is not")
        try:
            for piece in self._generator.stream(self.messages(retrieval, history)):
                raw += piece
                # Leading and trailing whitespace is never shown, so what was shown stays a prefix.
                body = raw.lstrip()
                safe = min(guard.safe_prefix_length(body), len(body.rstrip()))
                if self._support is not None:  # only whole sentences can be judged
                    safe = min(safe, complete_length(body))
                invented = [n for n in guard.referenced_numbers(body[:safe]) if n not in allowed]
                if invented:  # stop before the invented source is shown
                    failure = (guard.UNRETRIEVED_CITATION, f"cites No.{invented[0]} which was not retrieved")
                    break
                if not language_ok:
                    language_ok = language_verdict(body, retrieval.language)
                    if language_ok is False:
                        failure = wrong_language
                        break
                if language_ok and safe > judged:
                    new = self._kept(retrieval, body[judged:safe], allowed, dropped)
                    judged = safe
                    if new:
                        yield DeltaEvent(text=new)
                        shown += new
        except GeneratorError as exc:
            failure = (exc.reason, exc.detail)
        body = raw.strip()
        text = (shown + self._kept(retrieval, body[judged:], allowed, dropped)).strip()
        verdict = guard.check(raw, allowed, best_entries(retrieval))
        if failure is None and verdict.ok and self._support is not None:
            kept = guard.check(text, allowed, best_entries(retrieval))
            if (
                not kept.ok
                or not self._support.check(text, kept.cited, retrieval.query, retrieval.language).usable
            ):
                failure = (UNSUPPORTED_CLAIM, "; ".join(dropped))
            verdict = kept
        if failure is None and not language_verdict(raw, retrieval.language, final=True):
            failure = wrong_language
        if failure is None and not verdict.ok:
            failure = (verdict.reason or guard.NO_CITATION, verdict.detail)
        if failure is not None:
            yield DoneEvent(reply=self.fallback(retrieval, *failure), replaced=True)
            return
        reply = self._reply(retrieval, text, verdict.cited)
        if not reply.text.startswith(shown):  # cannot happen: shown is kept text; never mislead
            yield DoneEvent(reply=reply, replaced=True)
            return
        yield DeltaEvent(text=reply.text[len(shown) :])
        yield DoneEvent(reply=reply)

    def _kept(self, retrieval: Retrieval, chunk: str, allowed: set[int], dropped: list[str]) -> str:
        """The supported sentences of a streamed chunk (all of it without a support checker)."""
        if self._support is None or not chunk.strip():
            return chunk
        support = self._support.check(chunk, sorted(allowed), retrieval.query, retrieval.language)
        dropped.extend(j.sentence.strip()[:60] for j in support.dropped)
        return "".join(j.sentence for j in support.judgements if j.supported)


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
