"""index/CURRENT, index/HISTORY and the lock that orders the writers of both.

CURRENT names the build servers answer from; HISTORY lists the builds that were current, oldest
first, so a rollback knows where to go back to. Both are replaced atomically. Writers (a publish,
`faqbot index`, a rollback, in any process on the host) take `index/.lock` first.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from bot.errors import IndexBusyError, IndexNotFoundError, PublishError
from bot.fsutil import atomic_write_text
from bot.index.store import CURRENT_FILE, META_FILE

HISTORY_FILE = "HISTORY"
LOCK_FILE = ".lock"
BUILD_PREFIX = "build-"
HISTORY_LINES = 50
# Kept besides the current and the previous build: a server may still be loading one of them.
KEEP_OTHERS = 0
PARTIAL_SUFFIX = ".tmp"
# A partial build without its writer's pid in the name (older faqbot) is left this long.
PARTIAL_MAX_AGE_S = 24 * 3600


class IndexLock:
    """An exclusive flock on index/.lock. Per open file, so two threads of one process exclude
    each other too; it can be taken in one thread and released in another."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._fh: IO[bytes] | None = None

    def acquire(self, wait: bool) -> None:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        fh = (self.index_dir / LOCK_FILE).open("ab")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise IndexBusyError(
                f"a publish or rollback is running on {self.index_dir}: wait for it to finish "
                "(`faqbot publish --status`)"
            ) from None
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    @property
    def held(self) -> bool:
        return self._fh is not None


@contextmanager
def index_lock(index_dir: Path, wait: bool) -> Iterator[IndexLock]:
    lock = IndexLock(index_dir)
    lock.acquire(wait)
    try:
        yield lock
    finally:
        lock.release()


def lock_is_free(index_dir: Path) -> bool:
    """True when nobody holds index/.lock (taken and released at once: a probe, not a claim)."""
    lock = IndexLock(index_dir)
    try:
        lock.acquire(wait=False)
    except IndexBusyError:
        return False
    lock.release()
    return True


def read_current(index_dir: Path) -> str | None:
    """The build CURRENT names, or None when there is no pointer (cheap: one small read)."""
    try:
        return (index_dir / CURRENT_FILE).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def read_history(index_dir: Path) -> list[str]:
    try:
        text = (index_dir / HISTORY_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_build(path: Path) -> bool:
    return path.name.startswith(BUILD_PREFIX) and (path / META_FILE).is_file()


def make_current(index_dir: Path, name: str) -> None:
    """Point CURRENT at `name` and append it to HISTORY. The caller holds the index lock."""
    if not is_build(index_dir / name):
        raise IndexNotFoundError(f"{index_dir / name} is not a complete build: cannot make it current")
    history = read_history(index_dir)
    before = read_current(index_dir)
    # A pointer written before HISTORY existed (or by an older faqbot) is remembered too.
    if before and (not history or history[-1] != before):
        history.append(before)
    history.append(name)
    atomic_write_text(index_dir / HISTORY_FILE, "".join(f"{n}\n" for n in history[-HISTORY_LINES:]))
    # CURRENT last: readers act on CURRENT only, and HISTORY already says where to go back to.
    atomic_write_text(index_dir / CURRENT_FILE, name + "\n")


def previous_build(index_dir: Path) -> str | None:
    """The newest build that was current before the current one and still exists on disk."""
    current = read_current(index_dir)
    history = read_history(index_dir)
    if current in history:
        history = history[: len(history) - 1 - history[::-1].index(current)]
    for name in reversed(history):
        if name != current and is_build(index_dir / name):
            return name
    return None


def roll_back(index_dir: Path) -> tuple[str | None, str]:
    """Make the previous build current again; returns (was current, now current).

    HISTORY is cut after the build rolled back to, so a second rollback goes further back.
    The caller holds the index lock.
    """
    current = read_current(index_dir)
    previous = previous_build(index_dir)
    if previous is None:
        raise PublishError(f"no previous build in {index_dir} to roll back to (none of HISTORY is on disk)")
    history = read_history(index_dir)
    cut = len(history) - 1 - history[::-1].index(previous)
    atomic_write_text(index_dir / HISTORY_FILE, "".join(f"{n}\n" for n in history[: cut + 1]))
    atomic_write_text(index_dir / CURRENT_FILE, previous + "\n")
    return current, previous


def partial_build_dir(index_dir: Path, build_name: str) -> Path:
    """A fresh hidden folder to write `build_name` into before it is renamed into place.

    The writer's pid is in the name: a writer that was killed leaves its folder behind (no
    handler runs on SIGKILL), and the next prune can then tell a dead writer's folder from
    that of a build still being written by another process.
    """
    prefix = f".{build_name}.{os.getpid()}."
    return Path(tempfile.mkdtemp(dir=index_dir, prefix=prefix, suffix=PARTIAL_SUFFIX))


def _writer_alive(path: Path) -> bool:
    parts = path.name.removesuffix(PARTIAL_SUFFIX).split(".")
    if len(parts) == 4 and parts[2].isdigit():
        try:
            os.kill(int(parts[2]), 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, another user's
            return True
        return True
    try:
        return time.time() - path.stat().st_mtime < PARTIAL_MAX_AGE_S
    except FileNotFoundError:
        return False


def abandoned_partial_builds(index_dir: Path) -> list[Path]:
    """Partial build folders whose writer is gone (killed mid-build)."""
    found = index_dir.glob(f".{BUILD_PREFIX}*{PARTIAL_SUFFIX}")
    return sorted(p for p in found if p.is_dir() and not _writer_alive(p))


def prune_builds(index_dir: Path, keep_others: int = KEEP_OTHERS) -> list[str]:
    """Remove old build folders, and partial ones a killed writer left; never the current or the
    previous build. Returns the names removed.

    The caller holds the index lock, so no publish is gating a build this could remove. A server
    that still has a removed build open keeps reading it: its files are memory-mapped, and Linux
    frees them only when the last mapping goes.
    """
    protected = {read_current(index_dir), previous_build(index_dir)}
    others = sorted(
        (p for p in index_dir.glob(f"{BUILD_PREFIX}*") if p.is_dir() and p.name not in protected),
        key=lambda p: p.name,
    )
    doomed = others[: max(0, len(others) - keep_others)] + abandoned_partial_builds(index_dir)
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in doomed]
