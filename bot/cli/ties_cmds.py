"""faqbot calibrate-ties."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import engine, settings

if TYPE_CHECKING:
    from bot.evaluation.ties import TieSummary


@click.command(name="calibrate-ties")
@click.option(
    "--questions",
    type=click.Path(path_type=Path),
    multiple=True,
    help="sets that pick the margin [default: every data/calibration*.jsonl]",
)
@click.option(
    "--check",
    type=click.Path(path_type=Path),
    multiple=True,
    help="sets that only check the picked margin [default: eval/questions.jsonl]",
)
@click.option(
    "--max-right-share",
    type=click.FloatRange(0.0, 1.0, max_open=True),
    default=0.05,
    show_default=True,
    help="at most this share of replies with a right first hit may get chips",
)
@click.option("--json", "as_json", is_flag=True, help="print the measurement as one JSON object")
def calibrate_ties(
    questions: tuple[Path, ...], check: tuple[Path, ...], max_right_share: float, as_json: bool
) -> None:
    """Measure top-two margins of right vs wrong first hits and pick FAQBOT_TIE_MARGIN (docs/TIES.md)."""
    from bot.evaluation.dataset import load_items
    from bot.evaluation.ties import calibrate
    from bot.settings import ROOT

    s = settings()
    fit_paths = list(questions) or sorted(s.data_dir.glob("calibration*.jsonl"))
    if not fit_paths:
        raise click.UsageError(f"no calibration set: pass --questions or add {s.data_dir}/calibration.jsonl")
    check_paths = list(check) or [ROOT / "eval" / "questions.jsonl"]
    fit = [item for path in fit_paths for item in load_items(path)]
    held = [item for path in check_paths for item in load_items(path)]
    result = calibrate(engine(), fit, held, max_right_share, k=s.top_k)
    if as_json:
        click.echo(result.model_dump_json())
        return
    _table("calibration (picks the margin)", result.calibration, result.picked_margin)
    _table("check (eval set)", result.check, result.picked_margin)
    _table("both", result.combined, result.picked_margin)
    click.echo(f"picked tie margin {result.picked_margin} (FAQBOT_TIE_MARGIN; now {s.tie_margin})")


def _table(name: str, summary: TieSummary, picked: float) -> None:
    q1, median, q3 = summary.right_quartiles
    click.echo(
        f"{name}: {summary.n_answered} answered, {summary.n_right} right first hit, {summary.n_wrong} wrong "
        f"({summary.n_second_right} with the expected entry second)\n"
        f"  right margins q1/median/q3 {q1}/{median}/{q3}; wrong margins {list(summary.wrong_margins)}"
    )
    click.echo("  margin   right offered    wrong offered   expected 2nd offered")
    for row in summary.rows:
        mark = "  <- picked" if row.margin == picked else ""
        click.echo(
            f"  {row.margin:<6}  {row.right_offered:>4} ({row.right_share:6.1%})  "
            f"{row.wrong_offered:>4} ({row.wrong_share:6.1%})  {row.second_right_offered:>4}{mark}"
        )


COMMANDS = [calibrate_ties]
