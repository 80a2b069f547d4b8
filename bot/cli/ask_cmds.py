"""faqbot ask."""

from __future__ import annotations

import json

import click

from bot.cli.common import engine, settings


@click.command()
@click.argument("question")
@click.option("--top-k", default=5, show_default=True, type=click.IntRange(1, 48))
@click.option("--category", default=None, help="only entries of this category (e.g. 閉域網サービス)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object (retrieval + reply)")
def ask(question: str, top_k: int, category: str | None, as_json: bool) -> None:
    """Answer QUESTION from the FAQ: the top entries and a cited reply."""
    from bot.answering.service import answer_from_settings

    if not question.strip():
        raise click.BadParameter("the question is empty: give some text", param_hint="QUESTION")
    s = settings()
    eng = engine()
    if category is not None and category not in eng.categories:
        raise click.BadParameter(f"unknown category {category!r}; one of: {', '.join(eng.categories)}")
    retrieval, reply = answer_from_settings(eng, s, question, k=top_k, category=category)
    if as_json:
        out = {"retrieval": retrieval.model_dump(), "reply": reply.model_dump()}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    verdict = "answerable" if retrieval.answerable else f"abstain ({retrieval.reason})"
    click.echo(f"confidence {retrieval.confidence:.2f} — {verdict}")
    for h in retrieval.hits:
        signals = "+".join(h.found_by) or "-"
        click.echo(f"  No.{h.no:<3} {h.score:6.3f}  [{signals}]  {eng.entries[h.no].question}")
    click.echo("")
    click.echo(f"[{reply.mode}]" + (f" ({reply.fallback_reason})" if reply.fallback_reason else ""))
    click.echo(reply.text)


COMMANDS = [ask]
