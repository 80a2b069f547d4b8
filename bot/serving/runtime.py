"""What requests share: the loaded engine and the answer service, swapped as one object.

Requests read `app.state.runtime` once and keep that reference, so a reload (one attribute
assignment) never mixes an old engine with a new service in the middle of a request.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import anyio.to_thread
from fastapi import FastAPI

from bot.answering.service import AnswerService
from bot.engine import Engine
from bot.errors import BotError
from bot.settings import Settings

log = logging.getLogger("faqbot.serving")
WARM_UP_QUESTION = "仮想サーバのディスク容量を変更したい"


@dataclass(frozen=True)
class Runtime:
    engine: Engine
    service: AnswerService
    loaded_at: float = field(default_factory=time.time)

    @classmethod
    def from_engine(cls, engine: Engine, settings: Settings) -> Runtime:
        return cls(engine=engine, service=AnswerService.from_settings(engine, settings))

    @classmethod
    def load(cls, settings: Settings) -> Runtime:
        """Open data + index and answer one question, so the first user does not pay for warm-up
        (tokenizer dictionary, embedder kernels: seconds on a cold process)."""
        from bot.wiring import open_engine

        runtime = cls.from_engine(open_engine(settings, serving=True), settings)
        runtime.service.answer(WARM_UP_QUESTION)
        return runtime


def reload_runtime(app: FastAPI) -> Runtime:
    """Load data + index again and swap them in; requests in flight finish on the old ones.

    A failed load raises and leaves the running engine in place.
    """
    runtime = Runtime.load(app.state.settings)
    app.state.runtime = runtime  # the one assignment that switches every later request
    app.state.load_error = None
    log.info("engine reloaded: %d entries", len(runtime.engine.entries))
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
    log.info("engine ready: %d entries in %.1f s", len(runtime.engine.entries), time.perf_counter() - started)
