"""faqbot serve / faqbot feedback export."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import cast

import click

from bot.cli.common import settings


@click.command()
@click.option("--host", default=None, help="default: FAQBOT_HOST (127.0.0.1)")
@click.option("--port", default=None, type=int, help="default: FAQBOT_PORT (8000)")
@click.option("--workers", default=None, type=int, help="worker processes (default: FAQBOT_WORKERS, 1)")
@click.option("--reload", "auto_reload", is_flag=True, help="restart on code changes (development)")
@click.option(
    "--shutdown-timeout",
    default=None,
    type=click.IntRange(min=0),
    help="seconds requests in flight get to finish after SIGTERM (default: FAQBOT_LLM_TIMEOUT + 10)",
)
def serve(
    host: str | None, port: int | None, workers: int | None, auto_reload: bool, shutdown_timeout: int | None
) -> None:
    """Run the chat server: API, OpenAI-compatible /v1, the widget at / and the desk page at /desk."""
    import uvicorn

    s = settings()
    host = host or s.host
    port = port or s.port
    workers = workers or s.workers
    # On SIGTERM uvicorn stops accepting and lets requests in flight finish; the slowest one is an
    # LLM reply, bounded by its timeout. Without a bound a stuck stream would hold a deploy forever.
    grace = shutdown_timeout if shutdown_timeout is not None else math.ceil(s.llm_timeout) + 10
    # Each worker process reads its settings again: tell them how many siblings share the cores.
    os.environ["FAQBOT_WORKERS"] = str(workers)
    click.echo(f"faqbot: http://{host}:{port}/ (widget), /desk, /docs; the index loads in the background")
    uvicorn.run(
        "bot.serving.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=auto_reload,
        access_log=False,  # our own JSON access log replaces uvicorn's
        log_level="info",
        timeout_graceful_shutdown=grace,
    )


@click.group()
def feedback() -> None:
    """Ratings users gave to replies (stored in FAQBOT_DATABASE_URL, else the SQLite FAQBOT_FEEDBACK_DB)."""


@feedback.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="default: stdout")
def export(fmt: str, out: Path | None) -> None:
    """Write every rating with its question, reply, mode and citations."""
    from bot.serving.feedback import SqlFeedbackStore, database_url
    from bot.serving.feedback.export import ExportFormat, write_rows

    s = settings()
    if not s.database_url and not s.feedback_db.exists():
        raise click.ClickException(f"no feedback database at {s.feedback_db} (set FAQBOT_FEEDBACK_DB)")
    rows = SqlFeedbackStore(database_url(s.database_url, s.feedback_db)).feedback_rows()
    if out is None:
        n = write_rows(rows, sys.stdout, cast(ExportFormat, fmt))
    else:
        with out.open("w", encoding="utf-8", newline="") as fh:
            n = write_rows(rows, fh, cast(ExportFormat, fmt))
    click.echo(f"{n} ratings exported" + (f" to {out}" if out else ""), err=True)


COMMANDS = [serve, feedback]
