"""How many OpenMP threads an embedding call may use, and how many calls may run at once.

Oversubscription is what makes a 10 ms query take a second: OpenMP threads spin while they wait,
so two teams of two threads on two cores (two requests, or a neighbour's process) fight for the
CPU. A worker therefore gets a share of the cores it may run on, and splits that share between
threads per call and calls in parallel, so that the product never exceeds it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers and taskset narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ThreadBudget:
    threads_per_call: int  # OpenMP threads inside one encode call
    parallel_calls: int  # encode calls that may run at the same time in this process

    def __post_init__(self) -> None:
        if self.threads_per_call < 1 or self.parallel_calls < 1:
            raise ValueError(f"a thread budget needs at least one thread and one call, got {self}")

    @property
    def cores(self) -> int:
        return self.threads_per_call * self.parallel_calls

    @classmethod
    def for_worker(
        cls, workers: int = 1, threads_per_call: int | None = None, cores: int | None = None
    ) -> ThreadBudget:
        """A server worker's share of the cores.

        One thread per call by default: several requests in flight then use the cores between
        them without spinning against each other, and a busy neighbour costs one core, not all
        of them (measured in `faqbot bench load`). `threads_per_call` above the share is cut to it.
        """
        share = max(1, (cores or usable_cores()) // max(1, workers))
        threads = min(share, threads_per_call or 1)
        return cls(threads_per_call=threads, parallel_calls=max(1, share // threads))

    @classmethod
    def batch(cls, cores: int | None = None) -> ThreadBudget:
        """One process doing one thing at a time (index build, eval): every core for each call."""
        return cls(threads_per_call=cores or usable_cores(), parallel_calls=1)
