"""faqbot stats."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from bot.cli.common import settings

if TYPE_CHECKING:
    from bot.stats import Stats


@click.command()
@click.option(
    "--days", type=click.IntRange(1, 366), default=30, show_default=True, help="days counted, today included"
)
@click.option("--json", "as_json", is_flag=True, help="one JSON object, the same as GET /api/admin/stats")
def stats(days: int, as_json: bool) -> None:
    """Usage figures from the server's database: questions, outcomes, ratings, top entries and gaps."""
    from datetime import UTC, datetime

    from bot.errors import DataError
    from bot.ingest import load_entries
    from bot.serving.feedback import database_url
    from bot.serving.feedback.database import make_engine
    from bot.stats import compute_stats

    s = settings()
    if not s.database_url and not s.feedback_db.exists():
        raise click.ClickException(f"no feedback database at {s.feedback_db} (set FAQBOT_FEEDBACK_DB)")
    try:
        titles = {e.no: e.question for e in load_entries(s.data_dir)}
    except DataError:
        titles = {}  # the figures do not need the FAQ; only the entries' titles do
    engine = make_engine(database_url(s.database_url, s.feedback_db))
    try:
        figures = compute_stats(engine, days, datetime.now(UTC).date(), titles)
    finally:
        engine.dispose()
    click.echo(figures.model_dump_json() if as_json else _text(figures))


def _text(figures: Stats) -> str:
    t, rt = figures.totals, figures.ratings
    up_rate = f"{rt.up_rate:.0%}" if rt.up_rate is not None else "–"
    lines = [
        f"{figures.since} – {figures.until} ({figures.days} days): "
        f"{t.questions} questions, {figures.drafts} drafts",
        f"  answered {t.answered} ({t.answered_share:.0%}), "
        f"abstained {t.abstained} ({t.abstained_share:.0%}), fallback {t.fallback} ({t.fallback_share:.0%})",
        f"  ratings: 👍 {rt.up}  👎 {rt.down}  (👍 rate {up_rate}, {rt.rated_share:.0%} of questions rated)",
        "per day (answered / abstained / fallback):",
        *(
            f"  {d.day}  {d.outcomes.answered:>5} {d.outcomes.abstained:>5} {d.outcomes.fallback:>5}"
            for d in figures.per_day
        ),
        "top cited entries:",
        *(f"  No.{e.no:<3} {e.count:>5}  {e.question or ''}" for e in figures.top_cited),
        "top unanswered questions:",
        *(f"  {g.count:>5}  {g.question}" for g in figures.top_unanswered),
        "by language (questions, answered share, 👍 rate):",
        *(
            f"  {x.language:<8} {x.outcomes.questions:>5}  {x.outcomes.answered_share:.0%}  "
            f"{'–' if x.ratings.up_rate is None else f'{x.ratings.up_rate:.0%}'}"
            for x in figures.by_language
        ),
    ]
    return "\n".join(lines)


COMMANDS = [stats]
