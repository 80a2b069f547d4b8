"""faqbot review: the review queue from scripts (list, accept, gap, dismiss, gaps, log, prune, threshold)."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from bot.cli.common import settings

if TYPE_CHECKING:
    from bot.review.actions import ReviewActions
    from bot.review.models import ReviewKind
    from bot.review.queue import ReviewQueue
    from bot.serving.feedback.review_store import SqlReviewStore

KIND_NAMES = ("abstain", "down", "tie", "choice")


def _store() -> SqlReviewStore:
    from bot.serving.feedback.database import database_url, make_engine
    from bot.serving.feedback.review_store import SqlReviewStore

    s = settings()
    if not s.database_url and not s.feedback_db.exists():
        raise click.ClickException(f"no feedback database at {s.feedback_db} (set FAQBOT_FEEDBACK_DB)")
    return SqlReviewStore(make_engine(database_url(s.database_url, s.feedback_db)))


def _queue() -> ReviewQueue:
    from bot.cli.common import engine
    from bot.review.queue import ReviewQueue, VectorCache

    store = _store()  # before the engine: a missing database is said at once
    return ReviewQueue.for_engine(engine(), store, VectorCache(), settings().tie_margin)


def _actions() -> ReviewActions:
    from bot.review.actions import ReviewActions

    return ReviewActions(queue=_queue(), data_dir=settings().data_dir)


def _actor(name: str | None) -> str:
    from bot.review.actions import actor_name

    return actor_name(name or os.environ.get("USER"))


@click.group()
def review() -> None:
    """The review queue: abstained, 👎, near-tied and picked questions, clustered (same as /desk/review)."""


@review.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="the same JSON as GET /api/admin/review")
@click.option("--kind", type=click.Choice(KIND_NAMES), default=None)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD (UTC)")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="YYYY-MM-DD (UTC), included")
def list_queue(as_json: bool, kind: str | None, since: datetime | None, until: datetime | None) -> None:
    """Clusters of undecided questions, newest first."""
    from bot.review.models import ReviewQueueView
    from bot.review.queue import Filters

    s = settings()
    filters = Filters(
        cast("ReviewKind | None", kind), since.date() if since else None, until.date() if until else None
    )
    clusters, truncated = _queue().clusters(filters)
    view = ReviewQueueView(
        clusters=tuple(clusters),
        questions=sum(c.count for c in clusters),
        truncated=truncated,
        log_questions=s.log_questions,
        retention_days=s.retention_days,
        tie_margin=s.tie_margin,
    )
    if as_json:
        click.echo(view.model_dump_json(indent=2))
        return
    if not clusters:
        click.echo("the review queue is empty")
    for c in clusters:
        kinds = ", ".join(f"{k} {n}" for k, n in c.kinds.items())
        near = ", ".join(f"No.{e.no} {e.score:.2f}" for e in c.nearest)
        suggested = f"  suggest No.{c.suggested_no}" if c.suggested_no else ""
        click.echo(
            f"{c.id}  x{c.count}  [{kinds}]  last {c.last_asked[:16]}  nearest: {near or '-'}{suggested}"
        )
        for example in c.examples:
            click.echo(f"    {example}")
        for comment in c.comments[:3]:
            click.echo(f"    👎 {comment}")
    click.echo(
        f"{view.questions} questions in {len(clusters)} clusters"
        + (" (queue truncated)" if truncated else "")
    )


def _report(decision_json: str, as_json: bool, summary: str) -> None:
    click.echo(decision_json if as_json else summary)


@review.command()
@click.argument("target")
@click.option(
    "--no", "no", type=click.IntRange(min=1), required=True, help="the FAQ entry they are phrasings of"
)
@click.option("--actor", default=None, help="who decides (default: $USER)")
@click.option("--json", "as_json", is_flag=True)
def accept(target: str, no: int, actor: str | None, as_json: bool) -> None:
    """Accept cluster (c-…) or question TARGET as alternate phrasings of FAQ No.N (data/enrichment.jsonl)."""
    d = _actions().accept(target, no, _actor(actor))
    _report(
        d.model_dump_json(),
        as_json,
        f"{d.id}: {len(d.request_ids)} questions accepted for No.{no}; "
        f"{len(d.added_phrasings)} new phrasings in {settings().data_dir / 'enrichment.jsonl'}. "
        "Run `faqbot publish` to serve them.",
    )


@review.command()
@click.argument("target")
@click.option("--actor", default=None, help="who decides (default: $USER)")
@click.option("--json", "as_json", is_flag=True)
def gap(target: str, actor: str | None, as_json: bool) -> None:
    """Mark cluster (c-…) or question TARGET as an FAQ gap (see `faqbot review gaps --csv`)."""
    d = _actions().mark(target, "gap", _actor(actor))
    _report(d.model_dump_json(), as_json, f"{d.id}: {len(d.request_ids)} questions marked as an FAQ gap")


@review.command()
@click.argument("target")
@click.option("--actor", default=None, help="who decides (default: $USER)")
@click.option("--json", "as_json", is_flag=True)
def dismiss(target: str, actor: str | None, as_json: bool) -> None:
    """Dismiss cluster (c-…) or question TARGET: nothing to do."""
    d = _actions().mark(target, "dismiss", _actor(actor))
    _report(d.model_dump_json(), as_json, f"{d.id}: {len(d.request_ids)} questions dismissed")


@review.command()
@click.option("--csv", "as_csv", is_flag=True, required=True, help="CSV (the only format)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="default: stdout")
def gaps(as_csv: bool, out: Path | None) -> None:
    """The FAQ gaps: each gap cluster's distinct questions with counts."""
    from bot.review.gaps import gap_rows, write_csv

    queue = _queue()
    rows = gap_rows(queue.store.gap_questions(), queue)
    if out is None:
        n = write_csv(rows, sys.stdout)
    else:
        with out.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: spreadsheets read UTF-8
            n = write_csv(rows, fh)
    click.echo(f"{n} gap questions exported" + (f" to {out}" if out else ""), err=True)


@review.command()
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True)
def log(limit: int, as_json: bool) -> None:
    """The review log: the latest decisions, who made them and when."""
    for entry in _store().log(limit):
        if as_json:
            click.echo(entry.model_dump_json())
        else:
            target = f" No.{entry.entry_no}" if entry.entry_no else ""
            click.echo(
                f"{entry.at}  {entry.actor}  {entry.action}{target}  {entry.question or entry.request_id}"
            )


@review.command()
@click.option("--days", type=click.IntRange(min=1), default=None, help="default: FAQBOT_RETENTION_DAYS")
def prune(days: int | None) -> None:
    """Delete stored questions, replies, ratings, picks and decisions older than the retention period."""
    from bot.review.retention import cutoff
    from bot.review.retention import prune as prune_rows

    keep = days or settings().retention_days
    counts = prune_rows(_store(), keep)
    click.echo(
        f"pruned rows asked before {cutoff(keep)[:10]}: {counts.requests} requests, "
        f"{counts.feedback} ratings, {counts.choices} choices, {counts.review_actions} review decisions"
    )


@review.command()
@click.option(
    "--questions",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("eval/questions.jsonl"),
    show_default=True,
    help="the set to choose on",
)
@click.option(
    "--check",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="a second set to report the chosen setting on (e.g. eval/probe.jsonl)",
)
@click.option("--min-purity", default=0.90, show_default=True, type=click.FloatRange(0, 1))
@click.option("--json", "as_json", is_flag=True)
def threshold(questions: Path, check: Path | None, min_purity: float, as_json: bool) -> None:
    """Measure clustering purity and split on paraphrase groups; print the table and the choice."""
    import dataclasses

    from bot.cli.common import engine
    from bot.evaluation.dataset import load_items
    from bot.review.clustering import CLUSTER_THRESHOLD, CLUSTER_WEIGHT
    from bot.review.threshold import GRID_THRESHOLDS, GRID_WEIGHTS, choose, format_table, measure_set

    eng = engine()
    table = measure_set(eng, load_items(questions), GRID_WEIGHTS, GRID_THRESHOLDS)
    chosen = choose(table, min_purity)
    current = measure_set(eng, load_items(questions), [CLUSTER_WEIGHT], [CLUSTER_THRESHOLD])
    checked = measure_set(eng, load_items(check), [chosen.weight], [chosen.threshold]) if check else []
    if as_json:
        out = {
            "table": [dataclasses.asdict(q) for q in table],
            "chosen": dataclasses.asdict(chosen),
            "in_code": dataclasses.asdict(current[0]),
            "check": [dataclasses.asdict(q) for q in checked],
        }
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(f"{questions}:\n{format_table(table)}")
    click.echo(f"\nchosen (least split with purity >= {min_purity:.2f}):\n{format_table([chosen])}")
    click.echo(f"\nin bot/review/clustering.py:\n{format_table(current)}")
    if checked:
        click.echo(f"\n{check}, chosen setting:\n{format_table(checked)}")


COMMANDS = [review]
