"""`faqbot bench scale`: cost as the FAQ grows (added to the `bench` group by bot/cli/bench_cmds.py)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.common import settings


def _sizes(ctx: click.Context, param: click.Parameter, value: str) -> list[int]:
    try:
        sizes = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected comma-separated entry counts, e.g. 48,1000") from None
    if not sizes or min(sizes) < 1:
        raise click.BadParameter(f"{value!r}: every size must be at least 1 entry")
    return sizes


@click.command(name="scale")
@click.option(
    "--sizes", default="48,1000,10000,100000", show_default=True, callback=_sizes,
    help="entry counts, comma-separated; the real FAQ's size is always measured too",
)  # fmt: skip
@click.option(
    "--real-embed-up-to", default=1000, show_default=True, type=click.IntRange(0),
    help="sizes up to this are embedded for real; larger ones get synthetic vectors",
)  # fmt: skip
@click.option("--questions", default=100, show_default=True, type=click.IntRange(5), help="distinct ones")
@click.option("--repeat", default=3, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--approximate-from", type=click.IntRange(1), default=None,
    help="dense vectors from which the index is HNSW [default: the index's own threshold]",
)  # fmt: skip
@click.option(
    "--cosine", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
    help="synthetic vectors' cosine to their base [default: calibrated with the embedder]",
)  # fmt: skip
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/bench"), show_default=True
)
def scale(
    sizes: list[int],
    real_embed_up_to: int,
    questions: int,
    repeat: int,
    approximate_from: int | None,
    cosine: float | None,
    out: Path,
) -> None:
    """Build time, index size, RSS and query p50/p99 for synthetic FAQs of each size, with charts."""
    from bot.bench.plots import scale_markdown
    from bot.bench.scale import run_scale, scale_questions
    from bot.index.build import APPROXIMATE_FROM
    from bot.wiring import embedder_from

    s = settings()
    report = run_scale(
        sizes,
        real_embed_up_to,
        scale_questions(questions),
        out,
        embedder=embedder_from(s),
        data_dir=s.data_dir,
        approximate_from=approximate_from or APPROXIMATE_FROM,
        repeat=repeat,
        cosine=cosine,
    )
    click.echo(scale_markdown(report))
    click.echo(f"written to {out}/scale.json, scale.md, scale_latency.png, scale_rss.png, scale_build.png")
    if any(check.met is False for check in report.targets):
        raise SystemExit(1)  # as `bench load` does: a missed target fails the run
