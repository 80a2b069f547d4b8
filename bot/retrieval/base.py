"""The Retriever protocol."""

from __future__ import annotations

from typing import Protocol

from bot.models import Retrieval, Turn


class Retriever(Protocol):
    def retrieve(
        self, question: str, k: int = 5, category: str | None = None, history: tuple[Turn, ...] = ()
    ) -> Retrieval: ...
