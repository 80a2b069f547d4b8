"""What a publish builds from: data/faq.jsonl with data/enrichment.jsonl merged in.

Accepted phrasings (the review queue) and hand edits land in enrichment.jsonl; `faqbot ingest`
merges them into faq.jsonl, and so does a publish, so an accepted phrasing needs no ingest step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.fsutil import atomic_write_text
from bot.index.build import data_fingerprint
from bot.ingest.store import FAQ_FILE, _load_enrichment, load_entries
from bot.models import FaqEntry


@dataclass(frozen=True)
class PublishSource:
    entries: list[FaqEntry]
    data_hash: str
    merged: tuple[int, ...]  # entries whose phrasings came from enrichment.jsonl just now


def _body(entries: list[FaqEntry]) -> str:
    return "".join(e.model_dump_json() + "\n" for e in entries)


def publish_source(data_dir: Path) -> PublishSource:
    """The entries a publish would index and their fingerprint (reads data/, writes nothing)."""
    entries = load_entries(data_dir)
    enrichment = _load_enrichment(data_dir)
    merged: list[FaqEntry] = []
    changed: list[int] = []
    for entry in entries:
        update = enrichment.get(entry.no)
        new = entry.model_copy(update=update) if update else entry
        if new != entry:
            changed.append(entry.no)
        merged.append(new)
    return PublishSource(merged, data_fingerprint(data_dir, merged), tuple(changed))


def write_merged(data_dir: Path, source: PublishSource) -> None:
    """Write the merged entries back to faq.jsonl, so `faqbot ask`/`eval` see what was published."""
    if source.merged:
        atomic_write_text(data_dir / FAQ_FILE, _body(source.entries))
