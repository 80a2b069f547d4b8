"""An embedder that remembers document vectors: fold indexes share most of their texts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.embedders.base import Embedder, Vectors, WrappedEmbedder


class CachedEmbedder(WrappedEmbedder):
    """Wraps an embedder; documents already embedded once are not embedded again (queries always are)."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self._docs: dict[str, Vectors] = {}

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        todo = list(dict.fromkeys(t for t in texts if t not in self._docs))
        if todo:
            for text, vec in zip(todo, self._inner.embed_documents(todo), strict=True):
                self._docs[text] = vec
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._docs[t] for t in texts]).astype(np.float32)
