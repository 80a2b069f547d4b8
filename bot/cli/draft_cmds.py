"""faqbot draft: a support-desk reply draft for an inquiry, or for a batch of inquiries."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.common import engine, settings

if TYPE_CHECKING:
    from bot.answering.service import AnswerService


@click.command()
@click.argument("source", required=False, type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--batch", is_flag=True, help="SOURCE is JSONL or CSV with an 'inquiry' field (optional 'id')")
@click.option("--json", "as_json", is_flag=True, help="print the draft as JSON (paragraphs, citations)")
def draft(source: Path | None, batch: bool, as_json: bool) -> None:
    """Draft a cited e-mail reply to the inquiry in SOURCE (a file, or stdin when omitted or '-').

    With --batch, SOURCE holds many inquiries (.jsonl or .csv; on stdin, JSONL when the first
    character is '{', CSV otherwise) and one JSON object per inquiry is written to stdout.
    """
    from bot.answering.service import AnswerService

    text = _read(source)
    service = AnswerService.from_settings(engine(), settings())
    if batch:
        failed = 0
        for row in _rows(text, source):
            out = _draft_row(service, row)
            failed += "error" in out
            click.echo(json.dumps(out, ensure_ascii=False))
        if failed:
            raise click.ClickException(f"{failed} inquiries could not be drafted (see their 'error' field)")
        return
    if not text.strip():
        raise click.UsageError("the inquiry is empty: pass a file or pipe the text on stdin")
    result = service.draft(text)
    click.echo(json.dumps(result.model_dump(), ensure_ascii=False, indent=2) if as_json else result.text)


def _read(source: Path | None) -> str:
    if source is None or str(source) == "-":
        return sys.stdin.read()
    try:
        return source.read_text(encoding="utf-8-sig")  # -sig: Excel writes a BOM into CSV
    except OSError as exc:
        raise click.FileError(str(source), hint=str(exc)) from exc


def _rows(text: str, source: Path | None) -> Iterator[dict[str, Any]]:
    is_csv = (
        source.suffix.lower() == ".csv"
        if source and str(source) != "-"
        else not text.lstrip().startswith("{")
    )
    if is_csv:
        reader = csv.DictReader(io.StringIO(text))
        if reader.fieldnames is None or "inquiry" not in reader.fieldnames:
            raise click.UsageError(f"CSV needs an 'inquiry' column (found: {reader.fieldnames})")
        for n, row in enumerate(reader, start=1):
            yield {"id": row.get("id") or str(n), "inquiry": row["inquiry"]}
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": str(n), "error": f"line {n}: not JSON: {exc.msg}"}
            continue
        if not isinstance(row, dict) or not isinstance(row.get("inquiry"), str):
            yield {"id": str(n), "error": f"line {n}: expected an object with a string 'inquiry'"}
            continue
        yield {"id": str(row.get("id", n)), "inquiry": row["inquiry"]}


def _draft_row(service: AnswerService, row: dict[str, Any]) -> dict[str, Any]:
    from bot.errors import BotError

    if "error" in row:
        return row
    if not row["inquiry"].strip():
        return {"id": row["id"], "error": "empty inquiry"}
    try:
        result = service.draft(row["inquiry"])
    except BotError as exc:  # one bad inquiry must not stop the batch
        return {"id": row["id"], "error": str(exc)}
    return {"id": row["id"], "inquiry": row["inquiry"], **result.model_dump()}


COMMANDS = [draft]
