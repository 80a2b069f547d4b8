"""faqbot eval."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, cast

import click

from bot.cli.common import engine, settings
from bot.evaluation.metrics import HEADLINE_METRICS


@click.command(name="eval")
@click.option(
    "--questions", type=click.Path(path_type=Path), default=Path("eval/questions.jsonl"), show_default=True
)
@click.option(
    "--retriever", type=click.Choice(["hybrid", "dense", "bm25"]), default="hybrid", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="print the full result as one JSON object")
@click.option(
    "--report", type=click.Path(path_type=Path), default=None, help="write a markdown report + PNGs here"
)
@click.option("--baseline", type=click.Path(path_type=Path), default=None, help="fail if a metric dropped")
@click.option("--write-baseline", type=click.Path(path_type=Path), default=None)
@click.option("--answers", is_flag=True, help="also write replies and measure citations (key 'answers')")
@click.option(
    "--strip-enrichment",
    "strip",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    default=None,
    help="remove the hand-written phrasings of this share of entries, build a private index, and score "
    "the items about those entries (plus the out-of-scope items): how new entries will do",
)
def eval_cmd(
    questions: Path,
    retriever: str,
    as_json: bool,
    report: Path | None,
    baseline: Path | None,
    write_baseline: Path | None,
    answers: bool,
    strip: float | None,
) -> None:
    """Retrieval regression metrics on an eval set (see DESIGN.md for the JSON contract)."""
    from bot.evaluation.baseline import compare, make_baseline
    from bot.evaluation.dataset import load_items
    from bot.evaluation.runner import run_items, summarize

    items = load_items(questions)
    with tempfile.TemporaryDirectory(prefix="faqbot-strip-") as tmp:
        if strip is None:
            eng = engine(cast(Any, retriever))
        else:
            from bot.evaluation.folds import stripped_engine
            from bot.wiring import embedder_from

            s = settings()
            note = f"building a private index without the enrichment of {strip:.0%} of entries…"
            click.echo(note, err=True)
            eng, stripped = stripped_engine(s.data_dir, Path(tmp), embedder_from(s), strip)
            items = [it for it in items if not it.expected or set(it.expected) & stripped]
        results = run_items(eng, items)
    summary = summarize(results, retriever)
    if strip is not None:
        summary["stripped_entries"] = sorted(stripped)
    if answers:
        from bot.answering.service import AnswerService
        from bot.evaluation.answers import run_answers, summarize_answers

        service = AnswerService.from_settings(eng, settings())
        summary["answers"] = summarize_answers(run_answers(service, items), service.mode)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        _print_table(summary, results, eng)
        if answers:
            from bot.evaluation.answers import format_table

            click.echo("")
            click.echo("\n".join(format_table(summary["answers"])))
    if report is not None:
        from bot.evaluation.report import write_report

        path = write_report(report, summary, results, eng)
        click.echo(f"report: {path}", err=as_json)
    if write_baseline is not None:
        write_baseline.write_text(json.dumps(make_baseline(summary), indent=2) + "\n", encoding="utf-8")
        click.echo(f"baseline written to {write_baseline}", err=as_json)
    if baseline is not None:
        failures = compare(summary, json.loads(baseline.read_text(encoding="utf-8")))
        for line in failures:
            click.echo(f"REGRESSION {line}", err=True)
        if failures:
            raise SystemExit(1)
        click.echo(f"no metric dropped below {baseline} (minus its tolerance)", err=as_json)


def _print_table(summary: dict[str, Any], results: list[Any], eng: Any) -> None:
    from bot.evaluation.runner import misses

    click.echo(
        f"{summary['retriever']}: {summary['n']} items ({summary['n_in_scope']} in scope, "
        f"{summary['n_out_of_scope']} out of scope, {summary['n_multi']} multi)"
    )
    click.echo("  ".join(f"{k} {summary[k]:.3f}" for k in HEADLINE_METRICS))
    click.echo("")
    click.echo(
        f"{'kind':<14}{'n':>5}  "
        + "  ".join(f"{k:>10}" for k in ("recall@1", "recall@3", "mrr", "answer", "abstain"))
    )
    for kind, m in summary["by_kind"].items():
        cells = [
            m.get("recall@1"),
            m.get("recall@3"),
            m.get("mrr"),
            m.get("answer_in_scope"),
            m.get("abstain_oos"),
        ]
        click.echo(
            f"{kind:<14}{m['n']:>5}  "
            + "  ".join(f"{c:>10.3f}" if c is not None else f"{'-':>10}" for c in cells)
        )
    missed = misses(results)
    if missed:
        click.echo(f"\nmisses ({len(missed)}):")
    for r in missed:
        got = f"abstained (conf {r.confidence:.2f})" if r.abstained else f"answered (conf {r.confidence:.2f})"
        click.echo(f"  {r.id:<16} expected {r.expected} got {r.ranked[:5]} {got}  {r.question[:60]!r}")


COMMANDS = [eval_cmd]
