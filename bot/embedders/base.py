"""The Embedder protocol: queries and documents are encoded separately (e5 needs different prefixes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    @property
    def id(self) -> str:
        """Identifies model + prompts; stored in index/meta.json to detect a mismatched index."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """L2-normalised rows, one per text."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        """L2-normalised rows, one per text."""
        ...


def l2_normalize(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (vectors / norms).astype(np.float32)
    return out


class WrappedEmbedder:
    """Forwards everything to `inner`: a wrapper (cache, timer, fault injector) overrides only
    what it changes."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner

    @property
    def id(self) -> str:
        return self._inner.id

    @property
    def dim(self) -> int:
        return self._inner.dim

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._inner.embed_queries(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._inner.embed_documents(texts)
