"""faqbot bench soak: thousands of requests with ratings and a publish mid-way, against a real server."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import cast

import click

from bot.cli.common import settings


@click.command()
@click.option("--requests", "n", default=20_000, show_default=True, type=click.IntRange(1))
@click.option("--concurrency", default=32, show_default=True, type=click.IntRange(1, 512))
@click.option("--feedback-every", default=10, show_default=True, type=click.IntRange(1), help="rate 1 in k")
@click.option(
    "--publish",
    type=click.Choice(["publish", "index", "copy", "none"]),
    default="publish",
    show_default=True,
    help="mid-way: `faqbot publish --force`, `faqbot index`, the current build copied, or nothing",
)
@click.option("--rss-mark", default=5_000, show_default=True, help="requests at which RSS is read first")
@click.option("--max-seconds", default=7_200.0, show_default=True, help="stop the run here, finished or not")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("docs/bench"), show_default=True
)
def soak(
    n: int,
    concurrency: int,
    feedback_every: int,
    publish: str,
    rss_mark: int,
    max_seconds: float,
    out: Path,
) -> None:
    """Zero 5xx, zero lost ratings, the publish picked up, RSS growth under 10%: or exit 1."""
    from bot.bench.questions import distinct_questions, question_pool
    from bot.bench.server import serve
    from bot.bench.soak import PublishMode, SoakConfig, private_index, run_soak
    from bot.bench.soak_report import misses, soak_markdown
    from bot.bench.stats import write_report

    s = settings()
    with tempfile.TemporaryDirectory(prefix="faqbot-soak.") as tmp:
        env = {
            "FAQBOT_DATA_DIR": str(s.data_dir),
            "FAQBOT_INDEX_DIR": str(private_index(s.index_dir, Path(tmp) / "index")),
            "FAQBOT_FEEDBACK_DB": str(Path(tmp) / "feedback.sqlite3"),
            "FAQBOT_LLM_BASE_URL": "",
        }
        cfg = SoakConfig(
            env=env,
            requests=n,
            concurrency=concurrency,
            feedback_every=feedback_every,
            publish=cast(PublishMode, publish),
            rss_mark=rss_mark,
            max_seconds=max_seconds,
        )
        questions = distinct_questions(n, question_pool())
        click.echo(f"starting the server; {n} requests at concurrency {concurrency}", err=True)
        with serve(env) as server:
            report = run_soak(server, questions, cfg, lambda m: click.echo(m, err=True))
    markdown = soak_markdown(report)
    write_report(out, "soak", report, markdown)
    click.echo(markdown)
    if misses(report):
        raise SystemExit(1)
