"""Query vectors the gate has embedded before, kept on disk beside the builds.

The gate asks the same ~660 eval questions at every publish; their vectors depend only on the
embedder and the exact text, so a publish embeds only texts it has not seen (a changed phrasing
can change how a question is respelled, and then that text is new). Measured in docs/PUBLISH.md.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.embedders.base import Embedder, Vectors, WrappedEmbedder

log = logging.getLogger("faqbot.publish")
MAX_TEXTS = 20_000  # a bound, so a cache that only ever grows stays small


class CachedQueries(WrappedEmbedder):
    """Remembers query vectors by text; documents go through untouched."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            self.misses += len(todo)
            self.hits += len(texts) - len(todo)
        if todo:
            fresh = self._inner.embed_queries(todo)
            with self._lock:
                self._vectors.update(zip(todo, fresh, strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts]).astype(np.float32)

    def cache_path(self, index_dir: Path) -> Path:
        tag = hashlib.sha256(self.id.encode()).hexdigest()[:12]
        return index_dir / f".gate-queries-{tag}.npz"

    def load(self, index_dir: Path) -> None:
        path = self.cache_path(index_dir)
        if not path.is_file():
            return
        try:
            with np.load(path, allow_pickle=False) as data:
                texts, vectors = data["texts"], data["vectors"]
                if vectors.ndim != 2 or vectors.shape[1] != self.dim or len(texts) != len(vectors):
                    raise ValueError(f"shape {vectors.shape} for {len(texts)} texts")
                self._vectors.update(zip((str(t) for t in texts), vectors, strict=True))
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring the gate's query cache %s: %s", path, exc)

    def save(self, index_dir: Path) -> None:
        path = self.cache_path(index_dir)
        items = list(self._vectors.items())[-MAX_TEXTS:]
        if not items:
            return
        tmp = path.with_name(path.name + ".tmp.npz")
        texts = np.array([t for t, _ in items], dtype=np.str_)
        np.savez(tmp, texts=texts, vectors=np.stack([v for _, v in items]).astype(np.float32))
        tmp.replace(path)
