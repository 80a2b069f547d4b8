"""`faqbot index` and `faqbot publish` killed midway (SIGKILL: no handler, no cleanup runs).

What must hold afterwards: CURRENT and HISTORY are what they were and the build they name loads;
the index lock is free; `--status` says the publish was interrupted, not that it is running; a
server started on the folder answers from the old build; and the next writer removes what the
dead one left (a partial build folder) while leaving alone a build another process is writing.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from serving.faults.processes import faqbot_serve

from bot.index.pointer import (
    BUILD_PREFIX,
    PARTIAL_SUFFIX,
    abandoned_partial_builds,
    index_lock,
    lock_is_free,
    partial_build_dir,
    prune_builds,
    read_current,
    read_history,
)
from bot.index.store import load_index, read_meta
from bot.publish.job import read_job
from publish.child_env import child_env

pytestmark = pytest.mark.slow


def _kill_when(
    cmd: list[str], env: dict[str, str], home: Path, ready: Callable[[], bool], timeout_s: float = 300
) -> None:
    """Start `python -m bot CMD`, SIGKILL it once `ready()` holds; fail if it ends before that."""
    with (home / "writer.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *cmd], env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout_s
        try:
            while not ready():
                done = proc.poll() is not None
                assert not done, f"{cmd} finished before the kill: {(home / 'writer.log').read_text()}"
                assert time.monotonic() < deadline, f"{cmd}: never reached the point to kill it at"
                time.sleep(0.02)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()


def _partials(index: Path) -> list[Path]:
    return sorted(index.glob(f".{BUILD_PREFIX}*{PARTIAL_SUFFIX}"))


def _unpublished(index: Path, current: str | None) -> list[Path]:
    return [p for p in index.glob(f"{BUILD_PREFIX}*") if p.is_dir() and p.name != current]


def _assert_untouched(index: Path, current: str | None, history: list[str]) -> None:
    assert read_current(index) == current
    assert read_history(index) == history
    assert lock_is_free(index)
    assert current is not None
    meta = read_meta(index / current)
    # Loads whole: every file readable, and all of them agree on the vectors.
    loaded = load_index(index, meta["embedder_id"], meta["dim"], meta["data_hash"], meta["analyzer"])
    assert len(loaded.entry_nos) == 48


def test_a_killed_index_build_leaves_the_current_build_and_its_debris_is_cleared(
    publish_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    data, index = publish_dirs
    current, history = read_current(index), read_history(index)
    env = child_env(tmp_path, data, index)
    # Killed while it embeds (a fresh `faqbot index` embeds everything: seconds at least).
    _kill_when(["index"], env, tmp_path, lambda: bool(_partials(index)))
    _assert_untouched(index, current, history)
    left = _partials(index)
    assert len(left) == 1 and abandoned_partial_builds(index) == left

    # A build another (live) process is writing is not debris; the dead writer's folder is.
    live = partial_build_dir(index, f"{BUILD_PREFIX}live")
    with index_lock(index, wait=False):
        removed = prune_builds(index)
    assert left[0].name in removed and not left[0].exists()
    assert live.exists() and live.name not in removed

    with faqbot_serve(env, tmp_path / "serve.log") as server:
        reply = httpx.post(f"{server.url}/api/chat", json={"question": "パスワードを忘れました"}, timeout=30)
        assert reply.status_code == 200 and reply.headers["X-FAQ-Build"] == current


def test_a_publish_killed_in_its_gate_changes_nothing_and_says_it_was_interrupted(
    publish_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    data, index = publish_dirs
    current, history = read_current(index), read_history(index)
    # The new build is complete (renamed into place) and the gate is asking its questions.
    env = child_env(tmp_path, data, index)
    _kill_when(["publish", "--force"], env, tmp_path, lambda: bool(_unpublished(index, current)))
    _assert_untouched(index, current, history)
    job = read_job(index)
    assert job.state == "failed" and "interrupted" in job.message and not job.published
    # The ungated build is not current, not previous: the next writer's prune removes it.
    ungated = _unpublished(index, current)
    assert len(ungated) == 1
    with index_lock(index, wait=False):
        removed = prune_builds(index)
    assert ungated[0].name in removed and not ungated[0].exists()
    assert read_current(index) == current
