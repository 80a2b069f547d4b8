"""Re-ingesting: which export is used with no argument, and when the index goes stale."""

from __future__ import annotations

import json
from pathlib import Path

from bot.ingest import ingest_file
from bot.ingest.store import latest_raw_export


def test_no_argument_reingests_the_export_last_ingested(data_copy: Path, export_lines: list[str]) -> None:
    # A newer export whose name sorts *before* the current one: "newest by name" would be wrong.
    newer = data_copy.parent / "a_republished.txt"
    newer.write_text("\n".join(line for line in export_lines if not line.startswith("48\t")) + "\n", "utf-8")
    ingest_file(newer, data_copy)
    assert latest_raw_export(data_copy).name == "a_republished.txt"
    report = ingest_file(latest_raw_export(data_copy), data_copy)
    assert report.added == [] and report.removed == []
    assert report.total == 47


def test_an_enrichment_edit_is_reported_as_a_data_change(data_copy: Path) -> None:
    raw = latest_raw_export(data_copy)
    assert not ingest_file(raw, data_copy).data_changed  # same export, same enrichment
    path = data_copy / "enrichment.jsonl"
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    records[0]["alt_questions"].append("NTPサーバのアドレスを教えて")
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    report = ingest_file(raw, data_copy)
    assert not report.changed  # no published entry changed...
    assert report.data_changed  # ...but faq.jsonl did, so the index is stale
