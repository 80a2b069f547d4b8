"""Ingest: raw FAQ export -> data/faq.jsonl."""

from bot.ingest.parse import ParsedExport, parse_export
from bot.ingest.store import ChangeReport, ingest_file, load_entries

__all__ = ["ChangeReport", "ParsedExport", "ingest_file", "load_entries", "parse_export"]
