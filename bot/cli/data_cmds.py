"""faqbot ingest / index / calibrate."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import settings


@click.command()
@click.argument("export", required=False, type=click.Path(path_type=Path))
def ingest(export: Path | None) -> None:
    """Parse the raw FAQ EXPORT into data/faq.jsonl (default: the newest export kept in data/raw)."""
    from bot.ingest import ingest_file
    from bot.ingest.store import latest_raw_export

    s = settings()
    path = export if export is not None else latest_raw_export(s.data_dir)
    report = ingest_file(path, s.data_dir)
    click.echo(f"ingested {path} -> {s.data_dir / 'faq.jsonl'}")
    click.echo(report.summary())
    if report.data_changed:
        click.echo("data changed: run `faqbot publish` (rebuild, gate, switch) or `faqbot index` (no gate)")


@click.command()
def index() -> None:
    """Build index/ from data/ and make it current at once, with no eval gate (see `faqbot publish`)."""
    from bot.index import build_index, data_fingerprint
    from bot.index.negatives import load_negatives
    from bot.ingest import load_entries
    from bot.text.analyzer import Analyzer
    from bot.text.synonyms import Synonyms
    from bot.wiring import embedder_from

    s = settings()
    entries = load_entries(s.data_dir)
    embedder = embedder_from(s)
    build = build_index(
        entries,
        Analyzer(Synonyms.load(s.data_dir)),
        embedder,
        s.index_dir,
        data_fingerprint(s.data_dir, entries),
        progress=True,
        negatives=load_negatives(s.data_dir),
        data_dir=s.data_dir,
    )
    click.echo(f"built {build} ({len(entries)} entries, embedder {embedder.id})")


@click.command()
@click.option(
    "--questions",
    type=click.Path(path_type=Path),
    multiple=True,
    help="default: every data/calibration*.jsonl",
)
@click.option(
    "--target-answer", default=0.93, show_default=True, help="share of in-scope questions to answer"
)
@click.option(
    "--folds",
    default=4,
    show_default=True,
    type=click.IntRange(0, 12),
    help="also score items on indexes lacking their entries' hand-written phrasings (0: off)",
)
def calibrate(questions: tuple[Path, ...], target_answer: float, folds: int) -> None:
    """Fit the answer/abstain models on the calibration sets and write data/abstain.json."""
    import tempfile

    from bot.evaluation.calibration import fit_policies
    from bot.evaluation.dataset import load_items
    from bot.evaluation.folds import fold_engines
    from bot.fsutil import atomic_write_text
    from bot.retrieval.abstain import ABSTAIN_FILE, PolicySet
    from bot.wiring import open_engine

    s = settings()
    paths = list(questions) or sorted(s.data_dir.glob("calibration*.jsonl"))
    if not paths:
        raise click.UsageError(f"no calibration set: pass --questions or add {s.data_dir}/calibration.jsonl")
    eng = open_engine(s, policy=PolicySet.default())
    items = [item for path in paths for item in load_items(path)]
    with tempfile.TemporaryDirectory(prefix="faqbot-folds-") as tmp:
        fold_list = fold_engines(s.data_dir, Path(tmp), eng.embedder, folds, PolicySet.default())
        policy, report = fit_policies(eng, items, target_answer, fold_list)
    atomic_write_text(s.data_dir / ABSTAIN_FILE, policy.to_json() + "\n")
    click.echo(report)
    click.echo(f"wrote {s.data_dir / ABSTAIN_FILE}")


COMMANDS = [ingest, index, calibrate]
