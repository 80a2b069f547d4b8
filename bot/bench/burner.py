"""A CPU burner the bench starts and stops itself: one core busy, as a neighbour would make it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_BURN = "while True:\n    pass\n"


@contextmanager
def busy_cores(n: int = 1) -> Iterator[list[int]]:
    procs = [subprocess.Popen([sys.executable, "-c", _BURN]) for _ in range(n)]
    try:
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            p.kill()
            p.wait()
