"""faqbot publish: rebuild, gate on the eval sets, and only then make the new build current."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import settings

if TYPE_CHECKING:
    from tqdm import tqdm

    from bot.publish.job import PublishJob


class _Steps:
    """Gate steps as lines and a bar on stderr (the build draws its own bar)."""

    def __init__(self) -> None:
        self.step = ""
        self.bar: tqdm[None] | None = None

    def __call__(self, step: str, progress: float, detail: str) -> None:
        from tqdm import tqdm

        if step != self.step:
            self.close()
            self.step = step
            if step.startswith("gate:"):
                self.bar = tqdm(
                    total=100, desc=step, unit="%", bar_format="{desc}: {percentage:3.0f}%|{bar}|"
                )
            elif step not in ("build", "done", "refused"):
                click.echo(f"{step}: {detail}", err=True)
        if self.bar is not None:
            self.bar.n = int(progress * 100)
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@click.command()
@click.option("--rollback", is_flag=True, help="make the previous build current again")
@click.option("--status", is_flag=True, help="show the builds, the latest publish and whether data/ changed")
@click.option(
    "--force", is_flag=True, help="build and gate even if data/ is unchanged since the current build"
)
@click.option(
    "--eval-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="gate sets: questions.jsonl + baseline.json, probe.jsonl + probe_baseline.json (default: eval/)",
)
@click.option("--json", "as_json", is_flag=True, help="print the publish record as JSON")
def publish(rollback: bool, status: bool, force: bool, eval_dir: Path | None, as_json: bool) -> None:
    """Rebuild the index from data/, run the eval gate on the new build, and publish it only if it
    passes. Running servers switch to it within seconds, without a restart."""
    s = settings()
    if rollback:
        from bot.publish.builds import rollback as roll

        result = roll(s.index_dir)
        click.echo(result.model_dump_json(indent=2) if as_json else result.message)
        return
    if status:
        _status(s.data_dir, s.index_dir, as_json)
        return

    from bot.index.pointer import IndexLock
    from bot.publish.gate import DEFAULT_EVAL_DIR, default_gates
    from bot.publish.job import JobRecorder, run_job
    from bot.publish.publisher import PublishPlan
    from bot.wiring import embedder_from

    plan = PublishPlan(s.data_dir, s.index_dir, default_gates(eval_dir or DEFAULT_EVAL_DIR), force=force)
    for gate in plan.gates:
        for path in (gate.questions, gate.baseline):
            if not path.is_file():
                raise click.UsageError(f"gate file {path} not found (see --eval-dir)")
    lock = IndexLock(s.index_dir)
    lock.acquire(wait=False)
    steps = _Steps()
    try:
        # One OpenMP thread per query: the gate asks hundreds of them on a machine that serves.
        embedder = embedder_from(s, serving=True)
        job = run_job(plan, embedder, JobRecorder(s.index_dir), also=steps, progress_bar=not as_json)
    finally:
        steps.close()
        lock.release()
    _print(job, as_json)
    if job.state != "passed":
        raise SystemExit(1)


def _print(job: PublishJob, as_json: bool) -> None:
    if as_json:
        click.echo(job.model_dump_json(indent=2))
        return
    for check in job.metrics:
        click.echo(("  " if check.ok else "✗ ") + check.describe())
    timings = ", ".join(f"{k} {v:g}" for k, v in job.timings.items())
    click.echo(
        ("REFUSED: " if job.state != "passed" else "") + job.message + (f" [{timings}]" if timings else "")
    )


def _status(data_dir: Path, index_dir: Path, as_json: bool) -> None:
    from bot.index.pointer import read_current
    from bot.index.store import read_meta
    from bot.publish.builds import list_builds
    from bot.publish.job import read_job
    from bot.publish.source import publish_source

    job = read_job(index_dir)
    current = read_current(index_dir)
    data_hash = publish_source(data_dir).data_hash
    built_from = str(read_meta(index_dir / current).get("data_hash")) if current else None
    if as_json:
        import json

        builds = [b.__dict__ for b in list_builds(index_dir)]
        body = {
            "current": current,
            "data_changed": data_hash != built_from,
            "builds": builds,
            "job": job.model_dump(),
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for b in list_builds(index_dir):
        mark = "current " if b.current else "previous" if b.previous else "        "
        click.echo(f"{mark} {b.name}  {b.entries} entries  built {b.built_at}")
    if current is None:
        click.echo("no current build: run `faqbot publish`")
    elif data_hash != built_from:
        click.echo(f"data/ changed since {current} was built: run `faqbot publish`")
    else:
        click.echo(f"data/ is what {current} was built from")
    if job.id is not None:
        click.echo(f"latest publish {job.id}: {job.state} ({job.step}) {job.message}")


COMMANDS = [publish]
