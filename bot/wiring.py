"""Build components from Settings. Only the edges (CLI, app factory) call this."""

from __future__ import annotations

from bot.embedders import Embedder, make_embedder
from bot.embedders.threads import ThreadBudget
from bot.engine import Engine
from bot.retrieval.abstain import PolicySet
from bot.retrieval.hybrid import RetrieverMode
from bot.settings import Settings


def thread_budget(settings: Settings, serving: bool) -> ThreadBudget:
    """A server worker shares the cores with its siblings; a CLI run has them to itself."""
    if serving:
        return ThreadBudget.for_worker(settings.workers, settings.embed_threads)
    return ThreadBudget.batch()


def embedder_from(settings: Settings, serving: bool = False) -> Embedder:
    return make_embedder(
        settings.embedder,
        settings.st_model,
        settings.st_query_prompt,
        settings.st_document_prompt,
        thread_budget(settings, serving),
    )


def open_engine(
    settings: Settings,
    mode: RetrieverMode = "hybrid",
    progress: bool = False,
    policy: PolicySet | None = None,
    serving: bool = False,
) -> Engine:
    return Engine.open(
        settings.data_dir,
        settings.index_dir,
        embedder_from(settings, serving),
        mode=mode,
        progress=progress,
        policy=policy,
    )
