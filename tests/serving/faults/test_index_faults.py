"""A damaged or mismatched index at start-up: the server says what is wrong and what to run.

Each case starts a real server (uvicorn, the background load) on a copy of the session's index,
damaged one way. /healthz answers; /readyz is 503 with the reason and the command to run; the API
answers 503 `not_ready` with the same reason; no response body holds a stack trace, and the log
has one line saying what happened (a traceback only for errors nobody anticipated).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import numpy as np
import pytest

from bot.engine import Engine
from bot.index.store import CURRENT_FILE, META_FILE, OWNER_FILE
from bot.serving import create_app
from bot.settings import Settings

from .conftest import LogLines

pytestmark = pytest.mark.slow
Serve = Callable[..., AbstractContextManager[str]]


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _edit_meta(**changes: object) -> Callable[[Path], None]:
    def edit(build: Path) -> None:
        meta = json.loads((build / META_FILE).read_text(encoding="utf-8"))
        meta.update(changes)
        (build / META_FILE).write_text(json.dumps(meta), encoding="utf-8")

    return edit


def _fewer_owners(build: Path) -> None:
    # A valid file from another build: it reads fine, and would map vectors to the wrong entries.
    owners = np.load(build / OWNER_FILE)
    np.save(build / OWNER_FILE, owners[:-5])


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "dense-truncated": (lambda b: _truncate(b / "dense.faiss"), "dense.faiss cannot be read"),
    "dense-missing": (lambda b: (b / "dense.faiss").unlink(), "dense.faiss cannot be read"),
    "bm25-truncated": (lambda b: _truncate(b / "bm25" / "data.csc.index.npy"), "bm25 cannot be read"),
    "bm25-vocab-truncated": (lambda b: _truncate(b / "bm25" / "vocab.index.json"), "bm25 cannot be read"),
    "meta-truncated": (lambda b: _truncate(b / META_FILE), "meta.json cannot be read"),
    "vectors-disagree": (_fewer_owners, "disagree on the number of vectors"),
    "wrong-embedder": (_edit_meta(embedder_id="sentence-transformers/other-model"), "built with embedder"),
    "wrong-format-version": (_edit_meta(format_version=1), "format version 1"),
}


def _damaged_copy(index_dir: Path, tmp_path: Path, damage: Callable[[Path], None]) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    damage(copy / (copy / CURRENT_FILE).read_text(encoding="utf-8").strip())
    return copy


def _wait_until_failed(base: str, timeout_s: float = 120) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while True:
        r = httpx.get(f"{base}/readyz", timeout=5)
        if r.status_code == 200 or r.json().get("status") != "loading":
            return r
        assert time.monotonic() < deadline, "the index was still loading"
        time.sleep(0.1)


def _no_stack_trace(text: str) -> None:
    for sign in ("Traceback", 'File "', "faiss::", ".cpp:"):
        assert sign not in text, text


@pytest.mark.parametrize("case", DAMAGE, ids=list(DAMAGE))
def test_damaged_index_at_start_up(
    case: str, settings: Settings, engine: Engine, serve: Serve, tmp_path: Path, server_logs: LogLines
) -> None:
    damage, reason = DAMAGE[case]
    assert engine.index.path.parent == settings.index_dir  # the session index, built and sound
    index_dir = _damaged_copy(settings.index_dir, tmp_path, damage)
    app = create_app(
        settings.model_copy(
            update={"index_dir": index_dir, "feedback_db": tmp_path / "f.sqlite3", "rate_limit_per_minute": 0}
        )
    )
    with serve(app) as base:
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        ready = _wait_until_failed(base)
        assert ready.status_code == 503 and ready.headers["retry-after"]
        body = ready.json()
        assert body["status"] == "error" and reason in body["detail"], body
        assert "`faqbot index`" in body["detail"] or "`faqbot publish`" in body["detail"]
        _no_stack_trace(ready.text)
        chat = httpx.post(f"{base}/api/chat", json={"question": "SLAは？"}, timeout=30)
        assert chat.status_code == 503 and chat.json()["error"]["type"] == "not_ready"
        assert reason in chat.json()["error"]["message"]
        _no_stack_trace(chat.text)
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200  # still serving
    assert f"the FAQ engine failed to load: index {index_dir}" in server_logs.text
    assert reason in server_logs.text
    assert server_logs.tracebacks == []
