"""A real `faqbot serve` in a child process on a free 127.0.0.1 port, for load benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from bot.bench.stats import rss_mb


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]
    started_s: float  # fresh process to /readyz 200

    def worker_pids(self) -> list[int]:
        """The serving processes: the workers under a uvicorn supervisor, or the one process."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        kids = [int(p) for p in children.read_text().split()] if children.exists() else []
        # With --workers N uvicorn spawns N workers (plus a resource tracker that holds no engine).
        workers = [pid for pid in kids if rss_mb(pid) > 100]
        return workers or [self.process.pid]

    def rss_mb(self) -> float:
        return sum(rss_mb(pid) for pid in self.worker_pids())


@contextmanager
def serve(env: dict[str, str], workers: int = 1, timeout_s: float = 180.0) -> Iterator[RunningServer]:
    """Start the server with `env` added to ours and wait for /readyz; stop it on exit."""
    port = free_port()
    full_env = {**os.environ, "FAQBOT_RATE_LIMIT_PER_MINUTE": "0", **env}
    cmd = [sys.executable, "-m", "bot", "serve", "--port", str(port), "--workers", str(workers)]
    # The log goes to a file: a pipe nobody reads fills after a few hundred requests and then
    # blocks the server on its next log line.
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=full_env, stdout=subprocess.DEVNULL, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            ready_s = _wait_ready(url, proc, log, started, timeout_s)
            yield RunningServer(url, proc, ready_s)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(
    url: str, proc: subprocess.Popen[bytes], log: IO[bytes], started: float, timeout_s: float
) -> float:
    deadline = started + timeout_s
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            err = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"the server exited with {proc.returncode} before it was ready:\n{err}")
        try:
            if httpx.get(url + "/readyz", timeout=2.0).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"the server at {url} was not ready within {timeout_s:.0f} s")
