"""Each server process watches index/CURRENT and data/, and switches builds by itself.

Every `index_poll_seconds` the watcher reads CURRENT (one small file). When it names another
build than the one answering, that build is loaded in a thread (the running embedder is reused,
so a swap costs the index load and one warm-up answer, not a model load) and swapped in with
one assignment; requests in flight finish on the build they started on. A build that fails to
load is reported and not retried until CURRENT changes again; the old one keeps answering.

Each worker of `faqbot serve --workers N`, and each replica sharing index/, runs its own
watcher: no process has to tell the others.

data/ is watched by file stamps; when they change, the fingerprint a publish would build is
computed again and compared with the serving build's, so /readyz and the review page can say
"data changed: publish" without anyone restarting anything.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import anyio
import anyio.to_thread
from fastapi import FastAPI
from pydantic import BaseModel

from bot.index.negatives import NEGATIVES_FILE
from bot.index.pointer import read_current
from bot.ingest.store import ENRICHMENT_FILE, FAQ_FILE
from bot.serving.runtime import Runtime
from bot.text.synonyms import SYNONYMS_FILE

log = logging.getLogger("faqbot.serving")
_WATCHED_DATA = (FAQ_FILE, ENRICHMENT_FILE, SYNONYMS_FILE, NEGATIVES_FILE)


class IndexStatus(BaseModel):
    serving_build: str | None
    current_build: str | None
    data_changed: bool
    message: str
    load_error: str | None = None


@dataclass
class IndexWatch:
    """What the watcher saw last; read by /readyz and /api/admin/index."""

    current: str | None = None  # what CURRENT named
    failed: str | None = None  # a build that failed to load (not retried until CURRENT moves)
    load_error: str | None = None
    data_hash: str | None = None  # what a publish would build from data/ now
    data_error: str | None = None
    stamps: tuple[tuple[str, int, int], ...] | None = None
    swaps: int = 0

    def status(self, runtime: Runtime | None, startup_error: str | None = None) -> IndexStatus:
        serving = runtime.build_id if runtime is not None else None
        known = runtime is not None and self.data_hash is not None
        changed = known and runtime is not None and self.data_hash != runtime.engine.data_hash
        if runtime is None:
            message = startup_error or "loading the FAQ index"
        elif self.failed is not None and self.failed == self.current:
            message = (
                f"index/CURRENT names {self.failed}, which failed to load ({self.load_error}); "
                f"still serving {serving}"
            )
        elif changed:
            message = (
                f"data/ changed since {serving} was built: still answering from it; publish to switch "
                "(`faqbot publish` or the Publish button)"
            )
        elif self.data_error is not None:
            message = f"data/ cannot be read ({self.data_error}); still answering from {serving}"
        elif self.current is not None and self.current != serving:
            message = f"switching from {serving} to {self.current}"
        else:
            message = f"serving {serving}, built from the data in data/"
        return IndexStatus(
            serving_build=serving,
            current_build=self.current,
            data_changed=changed,
            message=message,
            load_error=self.load_error if self.failed is not None else None if runtime else startup_error,
        )


def _stamps(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for name in _WATCHED_DATA:
        try:
            st = (data_dir / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.append((name, 0, -1))
    return tuple(out)


def _data_hash(data_dir: Path) -> str:
    from bot.publish.source import publish_source

    return publish_source(data_dir).data_hash


def _serves_from(runtime: Runtime, index_dir: Path) -> bool:
    # An engine handed to create_app from another folder (tests, embedding) is left alone.
    return runtime.engine.index.path.parent.resolve() == index_dir.resolve()


async def check_once(app: FastAPI, limiter: anyio.CapacityLimiter) -> None:
    """One look at CURRENT and data/; swaps the runtime when CURRENT names another build."""
    settings = app.state.settings
    watch: IndexWatch = app.state.index_watch
    # A limiter of our own: under load the default thread pool is full of requests, and the
    # look at CURRENT must not queue behind them.
    name = await anyio.to_thread.run_sync(read_current, settings.index_dir, limiter=limiter)
    if name != watch.current:
        watch.current, watch.failed = name, None
    runtime: Runtime | None = app.state.runtime
    moved = name is not None and name != watch.failed and (runtime is None or name != runtime.build_id)
    if moved and name is not None and (runtime is None or _serves_from(runtime, settings.index_dir)):
        await _swap(app, name, runtime, limiter)
    stamps = await anyio.to_thread.run_sync(_stamps, settings.data_dir, limiter=limiter)
    if stamps != watch.stamps:
        try:
            watch.data_hash = await anyio.to_thread.run_sync(_data_hash, settings.data_dir, limiter=limiter)
            watch.data_error = None
        except Exception as exc:  # an editor half-way through a file: report it, keep serving
            watch.data_hash, watch.data_error = None, str(exc)
        watch.stamps = stamps


async def _swap(app: FastAPI, name: str, old: Runtime | None, limiter: anyio.CapacityLimiter) -> None:
    settings = app.state.settings
    watch: IndexWatch = app.state.index_watch
    started = time.perf_counter()
    embedder = old.engine.embedder if old is not None else None
    try:
        new = await anyio.to_thread.run_sync(
            Runtime.load, settings, embedder, settings.index_dir / name, limiter=limiter
        )
    except Exception as exc:
        watch.failed, watch.load_error = name, str(exc)
        log.error(
            "build %s failed to load, still serving %s: %s", name, old.build_id if old else "nothing", exc
        )
        return
    app.state.runtime = new  # later requests use the new build; those in flight keep the old
    app.state.load_error = None
    watch.failed = watch.load_error = None
    watch.swaps += 1
    log.info(
        "switched from %s to %s in %.2f s (pid %d)",
        old.build_id if old else "nothing",
        new.build_id,
        time.perf_counter() - started,
        os.getpid(),
    )


async def watch_index(app: FastAPI, after: asyncio.Task[None] | None = None) -> None:
    """Poll forever (cancelled at shutdown). Waits for the startup load first."""
    if after is not None:
        await asyncio.wait([after])
        if app.state.runtime is None:
            # The startup load failed on what CURRENT names now: do not retry it every second.
            watch: IndexWatch = app.state.index_watch
            watch.current = watch.failed = read_current(app.state.settings.index_dir)
            watch.load_error = app.state.load_error
    limiter = anyio.CapacityLimiter(1)
    poll = app.state.settings.index_poll_seconds
    while True:
        try:
            await check_once(app, limiter)
        except Exception:
            log.exception("index watcher: the check failed; retrying in %.1f s", poll)
        await asyncio.sleep(poll)
