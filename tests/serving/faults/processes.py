"""`faqbot serve` as a user runs it, in a child process whose whole output is kept in a file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: IO[str]

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")


@contextmanager
def faqbot_serve(env: dict[str, str], log_path: Path, *args: str) -> Iterator[Server]:
    port = _free_port()
    cmd = [sys.executable, "-m", "bot", "serve", "--port", str(port), *args]
    with log_path.open("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
        server = Server(f"http://127.0.0.1:{port}", proc, log)
        try:
            deadline = time.monotonic() + 180
            while True:
                assert proc.poll() is None, server.output()
                try:
                    if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, server.output()
                time.sleep(0.1)
            yield server
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
