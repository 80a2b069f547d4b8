"""Build components from Settings. Only the edges (CLI, app factory) call this."""

from __future__ import annotations

from bot.embedders import Embedder, make_embedder
from bot.engine import Engine
from bot.retrieval.abstain import PolicySet
from bot.retrieval.hybrid import RetrieverMode
from bot.settings import Settings


def embedder_from(settings: Settings) -> Embedder:
    return make_embedder(
        settings.embedder, settings.st_model, settings.st_query_prompt, settings.st_document_prompt
    )


def open_engine(
    settings: Settings,
    mode: RetrieverMode = "hybrid",
    progress: bool = False,
    policy: PolicySet | None = None,
) -> Engine:
    return Engine.open(
        settings.data_dir,
        settings.index_dir,
        embedder_from(settings),
        mode=mode,
        progress=progress,
        policy=policy,
    )
