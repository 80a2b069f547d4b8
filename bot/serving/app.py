"""The app factory. Settings are read here (or passed in); everything else is built from them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot.engine import Engine
from bot.errors import DataError
from bot.review.retention import prune_periodically
from bot.serving.access_log import AccessLogMiddleware, configure_logging
from bot.serving.body_limit import BodyLimitMiddleware
from bot.serving.cors import AllowlistCORSMiddleware
from bot.serving.errors import install_error_handlers
from bot.serving.feedback import SqlFeedbackStore, client_hash_secret, database_url
from bot.serving.feedback.review_store import SqlReviewStore
from bot.serving.ratelimit import make_limiter
from bot.serving.routes import (
    chat,
    choice,
    draft,
    faq,
    feedback,
    health,
    openai,
    pages,
    publish,
    review,
    stats,
)
from bot.serving.routes.docs import install_docs
from bot.serving.routes.pages import STATIC_DIR
from bot.serving.runtime import Runtime, load_in_background
from bot.serving.watcher import IndexWatch, watch_index
from bot.settings import Settings, get_settings

log = logging.getLogger("faqbot.serving")

# Requests are small JSON; anything bigger is a mistake or an attack.
MAX_BODY_BYTES = 256 * 1024


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Sync routes and streamed replies run in anyio's thread pool. Retrieval holds the GIL between
    # its native calls, so more than a few at once only queue inside the process: the answer
    # service bounds those at `answer_threads`. A thread waiting for an LLM reply costs nothing but
    # its stack, so the pool also has room for `llm_concurrency` of those when an LLM is configured.
    settings = app.state.settings
    waiting = settings.llm_concurrency if settings.llm_enabled else 0
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.answer_threads + waiting
    try:
        app.state.store.init()
    except DataError as exc:
        # Chat answers without the database; recording and rating say 503 and retry it on each call.
        log.error("starting without the feedback database (ratings are refused until it is back): %s", exc)
    loader = None
    if app.state.runtime is None:
        # Load beside the server, so /healthz answers and /readyz says 503 until the index is in.
        loader = asyncio.create_task(load_in_background(app))
    # Every worker watches index/CURRENT itself and switches to a new build without a restart.
    watcher = asyncio.create_task(watch_index(app, after=loader))
    # Retention: stored questions older than FAQBOT_RETENTION_DAYS go, now and then hourly.
    pruner = asyncio.create_task(
        prune_periodically(SqlReviewStore(app.state.store.engine), app.state.settings.retention_days)
    )
    yield
    pruner.cancel()
    watcher.cancel()
    if loader is not None and not loader.done():
        loader.cancel()


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The faqbot HTTP app. Pass `engine` to reuse one already loaded (tests, embedding)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="faqbot",
        summary="Cited answers from the JECC Water Standard Platform vendor FAQ (水道標準プラットフォーム).",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by install_docs from local assets instead of a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.runtime = Runtime.from_engine(engine, settings) if engine is not None else None
    app.state.load_error = None
    app.state.index_watch = IndexWatch()
    db_url = database_url(settings.database_url, settings.feedback_db)
    app.state.store = SqlFeedbackStore(db_url)
    # A shared database means several workers may serve: count in it, not per process.
    app.state.limiter = make_limiter(
        settings.rate_limit_per_minute,
        engine=app.state.store.engine if settings.database_url else None,
        secret=client_hash_secret(settings.hash_secret, db_url),
    )

    install_error_handlers(app)
    for module in (health, chat, draft, faq, feedback, choice, openai, pages, publish, review, stats):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_docs(app)

    # The last added is the outermost: the access log sees every request, and even a refused
    # oversized body gets CORS headers, so a widget on another origin can read the error.
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(
        AllowlistCORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "X-API-Key", "Authorization"],
        expose_headers=["X-Request-ID", "Retry-After", "X-Total-Count", "X-FAQ-Build"],
        max_age=600,
    )
    app.add_middleware(
        AccessLogMiddleware,
        log_questions=settings.log_questions,
        client_secret=client_hash_secret(settings.hash_secret, db_url),
    )
    configure_logging()
    return app
