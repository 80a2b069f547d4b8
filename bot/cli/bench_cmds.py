"""faqbot bench [retrieval|load|scale]: benchmarks that write JSON + markdown (and charts) to --out."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from bot.cli.common import settings

if TYPE_CHECKING:
    from bot.engine import Engine


def _served_engine(mode: str = "hybrid") -> Engine:
    """An engine with a server worker's thread budget: query timings as a server sees them (a
    CLI engine takes every core per call, which a busy neighbour turns into seconds)."""
    from bot.wiring import open_engine

    return open_engine(settings(), mode=cast(Any, mode), progress=True, serving=True)


_OUT = click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/bench"), show_default=True
)


@click.group(invoke_without_command=True)
@click.pass_context
def bench(ctx: click.Context) -> None:
    """Benchmarks; with no subcommand, `retrieval` with its defaults."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(retrieval)


@bench.command()
@click.option(
    "--questions", type=click.Path(path_type=Path), default=Path("eval/questions.jsonl"), show_default=True
)
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 100))
@click.option("--startup/--no-startup", default=True, help="also time an index build and a cold start")
@_OUT
def retrieval(questions: Path, repeat: int, startup: bool, out: Path) -> None:
    """In-process latency: bare embedder, a plain baseline, hybrid, dense and BM25."""
    from bot.bench.retrieval import retrieval_markdown, run_retrieval
    from bot.bench.startup import build_time, cold_start
    from bot.bench.stats import write_report
    from bot.evaluation.dataset import load_items

    s = settings()
    engines = {mode: _served_engine(mode) for mode in ("hybrid", "dense", "bm25")}
    texts = list(dict.fromkeys(item.question for item in load_items(questions)))
    report = run_retrieval(engines, texts, repeat)
    markdown = retrieval_markdown(report)
    extra: dict[str, float] = {}
    if startup:
        extra = {"build_s": build_time(engines["hybrid"], s.data_dir)}
        extra.update(cold_start(s.data_dir, s.index_dir, texts))
        markdown += "\n" + ", ".join(f"{k}: {v}" for k, v in extra.items()) + "\n"
    write_report(out, "retrieval", {"bench": report, "startup": extra}, markdown)
    click.echo(markdown)


@bench.command()
@click.option("--seconds", default=20.0, show_default=True, help="per concurrency level")
@click.option("--concurrency", default="1,8,32", show_default=True, help="comma-separated")
@click.option("--workers", default="1", show_default=True, help="comma-separated worker counts, one run each")
@click.option("--memory-requests", default=10_000, show_default=True, help="RSS read at half and at all")
@click.option("--stream-requests", default=10, show_default=True)
@click.option(
    "--database-url",
    default=None,
    help="shared store for the workers (e.g. postgresql+psycopg://...); default: a SQLite file per run",
)
@_OUT
def load(
    seconds: float,
    concurrency: str,
    workers: str,
    memory_requests: int,
    stream_requests: int,
    database_url: str | None,
    out: Path,
) -> None:
    """A real server under wrk: req/s and p50/p95/p99 by concurrency, busy machine, first SSE event, RSS."""
    from bot.answering.service import AnswerService
    from bot.bench.load import LoadConfig, misses, run_load
    from bot.bench.load_report import load_chart, load_markdown
    from bot.bench.stats import write_report

    s = settings()
    eng = _served_engine()
    service = AnswerService.from_settings(eng, s)
    env = {"FAQBOT_DATA_DIR": str(s.data_dir), "FAQBOT_INDEX_DIR": str(s.index_dir)}
    reports = []
    for n in (int(w) for w in workers.split(",")):
        db = out / f".bench-feedback-{n}.sqlite3"
        store = {"FAQBOT_DATABASE_URL": database_url} if database_url else {"FAQBOT_FEEDBACK_DB": str(db)}
        cfg = LoadConfig(
            env={**env, **store},
            seconds=seconds,
            concurrencies=tuple(int(c) for c in concurrency.split(",")),
            workers=n,
            memory_requests=memory_requests,
            stream_requests=stream_requests,
        )
        reports.append(run_load(eng, service, cfg, _progress(n)))
        for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            leftover.unlink(missing_ok=True)
        markdown = load_markdown(reports[-1])
        write_report(out, f"load_w{n}{'_pg' if database_url else ''}", reports[-1], markdown)
        click.echo(markdown)
    chart = load_chart(reports, out / ("load_pg.png" if database_url else "load.png"))
    click.echo(f"chart: {chart}")
    missed = [m for r in reports for m in misses(r)]
    if missed:
        raise SystemExit(1)


def _progress(workers: int) -> Callable[[str], None]:
    return lambda stage: click.echo(f"[{workers} worker(s)] {stage}", err=True)


bench.add_command(importlib.import_module("bot.cli.bench_scale_cmd").scale)
bench.add_command(importlib.import_module("bot.cli.bench_soak_cmd").soak)

COMMANDS = [bench]
