"""What requests share: the loaded engine and the answer service, swapped as one object.

Requests read `app.state.runtime` once and keep that reference, so a reload (one attribute
assignment) never mixes an old engine with a new service in the middle of a request, and a
request in flight during a swap finishes on the build it started on.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI

from bot.answering.service import AnswerService
from bot.embedders.base import Embedder
from bot.engine import Engine
from bot.errors import BotError
from bot.index.pointer import read_current
from bot.settings import Settings

log = logging.getLogger("faqbot.serving")
WARM_UP_QUESTION = "仮想サーバのディスク容量を変更したい"


@dataclass(frozen=True)
class Runtime:
    engine: Engine
    service: AnswerService
    loaded_at: float = field(default_factory=time.time)

    @property
    def build_id(self) -> str:
        """The index build answering: its folder name under index/."""
        return self.engine.index.path.name

    @classmethod
    def from_engine(cls, engine: Engine, settings: Settings) -> Runtime:
        return cls(engine=engine, service=AnswerService.from_settings(engine, settings))

    @classmethod
    def load(cls, settings: Settings, embedder: Embedder | None = None, build: Path | None = None) -> Runtime:
        """Open `build` (default: the one index/CURRENT names) with the data it was built from, and
        answer one question, so the first user does not pay for warm-up (tokenizer dictionary,
        embedder kernels: seconds on a cold process). Pass the running `embedder` to skip
        loading the model again on a swap.

        With no build at all (no CURRENT, or it names a folder that is gone) one is built from data/.
        """
        from bot.wiring import embedder_from

        embedder = embedder or embedder_from(settings, serving=True)
        if build is None:
            name = read_current(settings.index_dir)
            build = settings.index_dir / name if name else None
        if build is None or not build.is_dir():
            engine = Engine.open(settings.data_dir, settings.index_dir, embedder)
        else:
            engine = Engine.open_build(build, embedder, settings.data_dir)
        runtime = cls.from_engine(engine, settings)
        runtime.service.answer(WARM_UP_QUESTION)
        return runtime


def reload_runtime(app: FastAPI, build: Path | None = None) -> Runtime:
    """Load a build (default: the current one) and swap it in; requests in flight finish on the old.

    A failed load raises and leaves the running engine in place.
    """
    old: Runtime | None = app.state.runtime
    runtime = Runtime.load(app.state.settings, old.engine.embedder if old is not None else None, build)
    app.state.runtime = runtime  # the one assignment that switches every later request
    app.state.load_error = None
    log.info("engine reloaded: build %s, %d entries", runtime.build_id, len(runtime.engine.entries))
    return runtime


async def load_in_background(app: FastAPI) -> None:
    """Startup load: /healthz answers at once, /readyz turns 200 when this finishes."""
    started = time.perf_counter()
    try:
        runtime = await anyio.to_thread.run_sync(Runtime.load, app.state.settings)
    except Exception as exc:
        # Keep serving /healthz and /readyz so the reason is visible; /api answers 503 with it.
        app.state.load_error = f"the FAQ engine failed to load: {exc}"
        log.error("%s", app.state.load_error, exc_info=not isinstance(exc, BotError))
        return
    app.state.runtime = runtime
    log.info(
        "engine ready: build %s, %d entries in %.1f s",
        runtime.build_id,
        len(runtime.engine.entries),
        time.perf_counter() - started,
    )
