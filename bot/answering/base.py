"""The Writer protocol and helpers shared by the writers."""

from __future__ import annotations

from typing import Protocol

from bot.models import Citation, FaqEntry, Hit, Reply, Retrieval, Turn


class Writer(Protocol):
    """Turns a retrieval (plus the conversation so far) into a reply; the guard has already run."""

    def write(self, retrieval: Retrieval, history: tuple[Turn, ...] = ()) -> Reply: ...


class Linker:
    """Turns FAQ numbers into citations with a link built from a configurable template."""

    def __init__(self, entries: dict[int, FaqEntry], link_template: str) -> None:
        self.entries = entries
        self._template = link_template

    def link(self, no: int) -> str:
        return self._template.format(no=no)

    def citation(self, hit: Hit) -> Citation:
        return Citation(
            no=hit.no, question=self.entries[hit.no].question, link=self.link(hit.no), score=hit.score
        )
