"""Shared CLI plumbing: settings and engine from the environment."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.retrieval.hybrid import RetrieverMode
    from bot.settings import Settings


def settings() -> Settings:
    from bot.settings import get_settings

    return get_settings()


def engine(mode: RetrieverMode = "hybrid") -> Engine:
    from bot.wiring import open_engine

    return open_engine(settings(), mode=mode, progress=True)
