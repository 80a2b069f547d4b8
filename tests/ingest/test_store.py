"""ingest_file: repeatable, reports what changed, merges enrichment, never damages good data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.errors import DataError, IngestError
from bot.ingest import ingest_file, load_entries
from bot.ingest.store import latest_raw_export

LineOf = Callable[[list[str], int], int]


def _snapshot(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file()}


@pytest.fixture
def edited_export(export_lines: list[str], write_export: Callable[..., Path], line_of: LineOf) -> Path:
    """The export re-published: No.12's answer edited, No.30 withdrawn, a new No.49 added."""
    i12 = line_of(export_lines, 12) - 1
    no, cat, question, answer = export_lines[i12].split("\t")
    export_lines[i12] = "\t".join(
        [no, cat, question, answer + " 詳しくはポータルのお知らせをご確認ください。"]
    )
    del export_lines[line_of(export_lines, 30) - 1]
    export_lines.append(
        "49\tその他\t問い合わせ窓口の受付時間は何時から何時までですか。\t<p>平日9時から17時までです。</p>"
    )
    return write_export(export_lines, "jecc_ws_platform_faq_2026-09-30.txt")


def test_reingest_of_the_committed_export_changes_nothing(raw_export: Path, data_copy: Path) -> None:
    before = (data_copy / "faq.jsonl").read_bytes()
    report = ingest_file(raw_export, data_copy)
    assert not report.changed
    assert (report.added, report.removed, report.edited) == ([], [], [])
    assert report.total == 48 and report.published == "2026-03-31"
    assert (data_copy / "faq.jsonl").read_bytes() == before


def test_republished_export_reports_added_removed_and_edited(edited_export: Path, data_copy: Path) -> None:
    report = ingest_file(edited_export, data_copy)
    assert report.added == [49]
    assert report.removed == [30]
    assert report.edited == [12]
    assert report.total == 48
    assert 49 in report.unenriched
    summary = report.summary()
    assert "added: 49" in summary and "removed: 30" in summary and "edited: 12" in summary

    entries = {e.no: e for e in load_entries(data_copy)}
    assert 30 not in entries and 49 in entries
    assert entries[12].answer.endswith("詳しくはポータルのお知らせをご確認ください。")
    assert entries[49].answer == "平日9時から17時までです。"
    assert (data_copy / "raw" / edited_export.name).read_bytes() == edited_export.read_bytes()


def test_ingesting_twice_reports_no_change_the_second_time(edited_export: Path, data_copy: Path) -> None:
    ingest_file(edited_export, data_copy)
    again = ingest_file(edited_export, data_copy)
    assert not again.changed


def test_first_ingest_into_an_empty_dir_adds_everything(raw_export: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    report = ingest_file(raw_export, data_dir)
    assert report.added == list(range(1, 49))
    assert report.removed == report.edited == []
    assert report.unenriched == list(range(1, 49))  # no enrichment.jsonl there
    assert (data_dir / "raw" / raw_export.name).is_file()


def test_enrichment_is_merged(raw_export: Path, data_copy: Path) -> None:
    records = [
        json.loads(line) for line in (data_copy / "enrichment.jsonl").read_text("utf-8").splitlines() if line
    ]
    (data_copy / "faq.jsonl").unlink()
    report = ingest_file(raw_export, data_copy)
    entries = {e.no: e for e in load_entries(data_copy)}
    assert records
    for rec in records:
        entry = entries[rec["no"]]
        assert list(entry.alt_questions) == rec.get("alt_questions", [])
        assert list(entry.en_questions) == rec.get("en_questions", [])
        assert list(entry.keywords) == rec.get("keywords", [])
    assert report.unenriched == sorted(set(entries) - {r["no"] for r in records})


def test_malformed_enrichment_is_refused_and_data_untouched(raw_export: Path, data_copy: Path) -> None:
    path = data_copy / "enrichment.jsonl"
    lines = path.read_text("utf-8").splitlines()
    lines.insert(2, '{"alt_questions": ["番号がない"]}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _snapshot(data_copy)
    with pytest.raises(DataError, match=r"enrichment\.jsonl:3\b"):
        ingest_file(raw_export, data_copy)
    assert _snapshot(data_copy) == before


def test_refused_ingest_leaves_data_dir_byte_for_byte_untouched(
    export_lines: list[str], write_export: Callable[..., Path], line_of: LineOf, data_copy: Path
) -> None:
    before = _snapshot(data_copy)
    lineno = line_of(export_lines, 20)
    export_lines[lineno - 1] = export_lines[lineno - 1].replace("\t", " ", 1)
    bad = write_export(export_lines, "jecc_ws_platform_faq_2026-12-31.txt")
    with pytest.raises(IngestError) as info:
        ingest_file(bad, data_copy)
    assert info.value.line == lineno
    assert _snapshot(data_copy) == before
    assert not (data_copy / "raw" / bad.name).exists()


def test_refused_shift_jis_ingest_leaves_data_untouched(
    raw_export: Path, tmp_path: Path, data_copy: Path
) -> None:
    before = _snapshot(data_copy)
    bad = tmp_path / "sjis.txt"
    bad.write_bytes(raw_export.read_text("utf-8").encode("cp932"))
    with pytest.raises(IngestError, match="UTF-8"):
        ingest_file(bad, data_copy)
    assert _snapshot(data_copy) == before


def test_load_entries_without_data_says_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="faqbot ingest"):
        load_entries(tmp_path)


def test_load_entries_names_a_corrupt_line(data_copy: Path) -> None:
    path = data_copy / "faq.jsonl"
    lines = path.read_text("utf-8").splitlines()
    lines[4] = lines[4].replace('"no":5', '"no":"five"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"faq\.jsonl:5: "):
        load_entries(data_copy)


def test_latest_raw_export_picks_the_newest_by_name(data_copy: Path, edited_export: Path) -> None:
    ingest_file(edited_export, data_copy)
    assert latest_raw_export(data_copy).name == edited_export.name
