"""parse_export on the real FAQ export, and on malformed copies of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.errors import IngestError
from bot.ingest import ParsedExport, parse_export
from bot.text.normalize import normalize

LineOf = Callable[[list[str], int], int]


# --- the real export -------------------------------------------------------------------------


def test_real_export_has_48_entries_numbered_1_to_48(parsed: ParsedExport) -> None:
    assert [e.no for e in parsed.entries] == list(range(1, 49))


def test_real_export_has_four_categories(parsed: ParsedExport) -> None:
    assert {e.category for e in parsed.entries} == {
        "基本サービス",
        "IT基盤提供サービス",
        "閉域網サービス",
        "その他",
    }


def test_entry_22_sits_in_basic_services_between_infrastructure_entries(parsed: ParsedExport) -> None:
    by_no = {e.no: e for e in parsed.entries}
    assert by_no[22].category == "基本サービス"
    assert by_no[21].category == by_no[23].category == "IT基盤提供サービス"


def test_publication_date_and_title_are_read(parsed: ParsedExport) -> None:
    assert parsed.published == "2026-03-31"
    assert {e.published for e in parsed.entries} == {"2026-03-31"}
    assert "FAQ" in parsed.title and not parsed.title.startswith("#")


def test_no_html_markup_left_in_plain_answers(parsed: ParsedExport) -> None:
    for e in parsed.entries:
        assert not re.search(r"</?(p|ul|ol|li|a|br|div)\b", e.answer), (
            f"No.{e.no} keeps markup: {e.answer[:80]}"
        )
        assert e.answer.strip() == e.answer and e.answer


def test_html_answers_are_detected(parsed: ParsedExport) -> None:
    # Guards the tests below: the export really has HTML answers with lists and links.
    html = [e for e in parsed.entries if "<p>" in e.answer_html]
    assert html and any("<li" in e.answer_html for e in html)


def test_list_items_stand_on_their_own_lines(parsed: ParsedExport) -> None:
    checked = 0
    for e in parsed.entries:
        lines = e.answer.splitlines()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", e.answer_html, flags=re.S):
            text = re.sub(r"<[^>]+>", "", item).strip().lstrip("・")
            assert f"・{text}" in lines, f"No.{e.no}: list item {text!r} not on its own line"
            checked += 1
    assert checked >= 2


def test_paragraphs_become_separate_lines(parsed: ParsedExport) -> None:
    for e in parsed.entries:
        paragraphs = [
            re.sub(r"<[^>]+>", "", p).strip() for p in re.findall(r"<p>(.*?)</p>", e.answer_html, re.S)
        ]
        firsts = [p.split()[0] for p in paragraphs if p]
        for first in firsts:
            assert any(line.startswith(first) for line in e.answer.splitlines()), (e.no, first)


def test_link_of_entry_4_is_kept_as_text_and_in_links(parsed: ParsedExport) -> None:
    entry = next(e for e in parsed.entries if e.no == 4)
    href = re.search(r'<a href="([^"]+)">([^<]*)</a>', entry.answer_html)
    assert href is not None
    url, anchor = href.group(1), href.group(2)
    assert [(link.text, link.url) for link in entry.links] == [(anchor, url)]
    assert url in entry.answer and anchor in entry.answer
    # The anchor text *is* the URL here: it must not be printed twice.
    assert entry.answer.count(url) == 1


def test_answer_html_is_kept_as_published_with_its_typos(parsed: ParsedExport, raw_export: Path) -> None:
    raw = raw_export.read_text(encoding="utf-8")
    entry = next(e for e in parsed.entries if e.no == 40)
    assert "キitting" in entry.answer_html
    assert "キitting" in entry.answer  # plain text is as published too
    assert "キッティング" in normalize(entry.answer)  # only the indexed form is corrected
    for e in parsed.entries:
        assert e.answer_html in raw


def test_bom_and_windows_line_endings_parse_the_same(
    parsed: ParsedExport, raw_export: Path, tmp_path: Path
) -> None:
    text = raw_export.read_text(encoding="utf-8")
    windows = tmp_path / "export_windows.txt"
    windows.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    again = parse_export(windows)
    assert again.entries == parsed.entries
    assert again.published == parsed.published


# --- malformed exports: refused with the file, the line and the reason -------------------------


def _refused(path: Path) -> IngestError:
    with pytest.raises(IngestError) as info:
        parse_export(path)
    err = info.value
    assert err.path == str(path)
    assert str(path) in str(err)
    return err


def test_missing_column_is_refused_with_its_line(
    export_lines: list[str], write_export: Callable[..., Path], line_of: LineOf
) -> None:
    lineno = line_of(export_lines, 5)
    export_lines[lineno - 1] = export_lines[lineno - 1].rsplit("\t", 1)[0]  # drop 回答内容
    err = _refused(write_export(export_lines))
    assert err.line == lineno
    assert f":{lineno}:" in str(err)
    assert "column" in err.reason and "3" in err.reason


def test_duplicate_number_names_both_lines(
    export_lines: list[str], write_export: Callable[..., Path], line_of: LineOf
) -> None:
    first, dup = line_of(export_lines, 5), line_of(export_lines, 6)
    export_lines[dup - 1] = "5" + export_lines[dup - 1][1:]
    err = _refused(write_export(export_lines))
    assert err.line == dup
    assert "duplicate" in err.reason
    assert f"line {first}" in err.reason


def test_non_numeric_number_is_refused(
    export_lines: list[str], write_export: Callable[..., Path], line_of: LineOf
) -> None:
    lineno = line_of(export_lines, 7)
    export_lines[lineno - 1] = "七" + export_lines[lineno - 1][1:]
    err = _refused(write_export(export_lines))
    assert err.line == lineno
    assert "七" in err.reason and "No." in err.reason


def test_circled_digit_number_is_refused_with_ingest_error(
    export_lines: list[str], write_export: Callable[..., Path], line_of: LineOf
) -> None:
    lineno = line_of(export_lines, 1)
    export_lines[lineno - 1] = "①" + export_lines[lineno - 1][1:]
    err = _refused(write_export(export_lines))
    assert err.line == lineno


def test_shift_jis_file_is_refused_as_not_utf8(raw_export: Path, tmp_path: Path) -> None:
    text = raw_export.read_text(encoding="utf-8")
    path = tmp_path / "export_sjis.txt"
    path.write_bytes(text.encode("cp932"))
    err = _refused(path)
    first_non_ascii = next(i for i, line in enumerate(text.splitlines(), start=1) if not line.isascii())
    assert err.line == first_non_ascii
    assert "UTF-8" in err.reason


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    err = _refused(path)
    assert "empty" in err.reason


def test_missing_header_is_refused_at_the_first_record(
    export_lines: list[str], write_export: Callable[..., Path], line_of: LineOf
) -> None:
    header = next(i for i, line in enumerate(export_lines) if line.startswith("No.\t"))
    del export_lines[header]
    err = _refused(write_export(export_lines))
    assert err.line == line_of(export_lines, 1)
    assert "header" in err.reason


def test_header_only_file_is_refused(export_lines: list[str], write_export: Callable[..., Path]) -> None:
    header = next(i for i, line in enumerate(export_lines, start=1) if line.startswith("No.\t"))
    err = _refused(write_export(export_lines[:header]))
    assert err.line == header
    assert "no FAQ records" in err.reason


def test_title_only_file_without_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no_header.txt"
    path.write_text("# FAQ\n掲載日：2026/3/31\n", encoding="utf-8")
    err = _refused(path)
    assert "header" in err.reason


def test_missing_publication_date_is_refused(
    export_lines: list[str], write_export: Callable[..., Path]
) -> None:
    lines = [line for line in export_lines if not line.startswith("掲載日")]
    err = _refused(write_export(lines))
    assert "掲載日" in err.reason


def test_empty_answer_is_refused(
    export_lines: list[str], write_export: Callable[..., Path], line_of: LineOf
) -> None:
    lineno = line_of(export_lines, 9)
    export_lines[lineno - 1] = export_lines[lineno - 1].rsplit("\t", 1)[0] + "\t  "
    err = _refused(write_export(export_lines))
    assert err.line == lineno
    assert "回答内容" in err.reason


def test_missing_file_is_refused(tmp_path: Path) -> None:
    err = _refused(tmp_path / "nope.txt")
    assert err.line is None
    assert "not found" in err.reason
