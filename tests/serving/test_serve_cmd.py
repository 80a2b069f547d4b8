"""`faqbot serve` as a user runs it: a separate process, settings from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.engine import Engine
from bot.settings import Settings

pytestmark = pytest.mark.slow


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_starts_loads_and_answers(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "FAQBOT_DATA_DIR": str(settings.data_dir),
        "FAQBOT_INDEX_DIR": str(settings.index_dir),  # built by the session fixture
        "FAQBOT_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3"),
        "FAQBOT_LLM_BASE_URL": "",
    }
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, Path(log.name).read_text()
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, Path(log.name).read_text()
            time.sleep(0.2)
        r = httpx.post(f"{base}/api/chat", json={"question": "SLAは？"}, timeout=60)
        assert r.status_code == 200 and r.json()["citations"][0]["no"] == 46
        assert "FAQ" in httpx.get(base, timeout=10).text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    output = Path(log.name).read_text()
    assert '"path": "/api/chat", "status": 200' in output  # the JSON access log
    assert (tmp_path / "feedback.sqlite3").exists()
