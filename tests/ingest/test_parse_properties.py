"""Property tests of parse_export on hostile files: a parsed export or an IngestError, nothing else.

The files are random bytes, mutilated copies of the real export, and well-formed exports whose
fields hold any Unicode a web page can hold (control characters, U+2028, NUL, RTL marks, ...).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import IngestError
from bot.ingest import ParsedExport, parse_export
from bot.ingest.parse import HEADER
from bot.settings import ROOT

# Fixed examples in CI (a red run is reproducible, never a coin toss); new ones on every local run.
IN_CI = "CI" in os.environ
RAW = (ROOT / "data" / "raw" / "jecc_ws_platform_faq_2026-03-31.txt").read_bytes()
# Temp files are reused across examples: the function-scoped tmp_path fixture is fine here.
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=IN_CI,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _parse(tmp_path: Path, raw: bytes) -> ParsedExport | IngestError:
    path = tmp_path / "export.txt"
    path.write_bytes(raw)
    try:
        return parse_export(path)
    except IngestError as exc:  # the one error parse_export may raise
        assert str(exc).startswith(str(path))
        assert exc.reason
        if exc.line is not None:
            assert 1 <= exc.line <= raw.count(b"\n") + 1
        return exc


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_are_parsed_or_refused_with_a_reason(tmp_path: Path, raw: bytes) -> None:
    _parse(tmp_path, raw)


@st.composite
def mutilated_exports(draw: st.DrawFn) -> bytes:
    raw = bytearray(RAW)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["insert", "delete", "flip", "truncate"]))
        if kind == "insert":
            raw[at:at] = draw(
                st.binary(min_size=1, max_size=8) | st.sampled_from([b"\t", b"\n", b"\xff", b"\x00"])
            )
        elif kind == "delete":
            del raw[at : at + draw(st.integers(1, 50))]
        elif kind == "flip" and at < len(raw):
            raw[at] ^= 1 << draw(st.integers(0, 7))
        else:
            del raw[at:]
    return bytes(raw)


@SETTINGS
@given(mutilated_exports())
def test_a_damaged_export_is_parsed_or_refused_with_a_reason(tmp_path: Path, raw: bytes) -> None:
    _parse(tmp_path, raw)


# What a field may hold: anything but the export's own separators (tab, newline, carriage return).
FIELD_CHARS = st.characters(codec="utf-8", exclude_characters="\t\n\r")
FIELD = st.text(FIELD_CHARS, min_size=1, max_size=20).filter(lambda s: s.strip() != "")


@st.composite
def exports(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, str]]]:
    records = draw(st.lists(st.tuples(FIELD, FIELD, FIELD), min_size=1, max_size=5))
    lines = ["# FAQ", "掲載日：2026/3/31", "\t".join(HEADER)]
    lines += [f"{no}\t{c}\t{q}\t{a}" for no, (c, q, a) in enumerate(records, start=1)]
    return "\n".join(lines) + "\n", records


@SETTINGS
@given(exports())
def test_any_unicode_inside_a_field_stays_inside_its_record(
    tmp_path: Path, export: tuple[str, list[tuple[str, str, str]]]
) -> None:
    # U+2028, U+0085, form feed and friends are line breaks to str.splitlines(), not to the exporter.
    text, records = export
    parsed = _parse(tmp_path, text.encode("utf-8"))
    assert isinstance(parsed, ParsedExport), parsed
    assert [e.no for e in parsed.entries] == list(range(1, len(records) + 1))
    assert [(e.category, e.question) for e in parsed.entries] == [
        (c.strip(), q.strip()) for c, q, _ in records
    ]


@SETTINGS
@given(exports(), st.data())
def test_the_reported_line_is_the_broken_line(
    tmp_path: Path, export: tuple[str, list[tuple[str, str, str]]], data: st.DataObject
) -> None:
    text, records = export
    lines = text.split("\n")
    broken = data.draw(st.integers(3, 2 + len(records)), label="record line index")
    lines[broken] = lines[broken].replace("\t", " ", 1)  # three columns instead of four
    error = _parse(tmp_path, "\n".join(lines).encode("utf-8"))
    assert isinstance(error, IngestError)
    assert error.line == broken + 1, (error, lines[broken])


@SETTINGS
@given(st.integers(1, 9999), st.integers(0, 99), st.integers(0, 99))
def test_an_impossible_publication_date_is_refused(tmp_path: Path, year: int, month: int, day: int) -> None:
    try:
        published: str | None = dt.date(year, month, day).isoformat()
    except ValueError:
        published = None
    text = f"掲載日：{year:04d}/{month}/{day}\n" + "\t".join(HEADER) + "\n1\tカテゴリ\t質問\t回答\n"
    result = _parse(tmp_path, text.encode("utf-8"))
    if published is not None:
        assert isinstance(result, ParsedExport) and result.published == published
    else:
        assert isinstance(result, IngestError) and result.line == 1, result


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"])
def test_unicode_line_separators_in_an_answer_do_not_split_the_record(tmp_path: Path, sep: str) -> None:
    text = (
        "掲載日：2026/3/31\n" + "\t".join(HEADER) + f"\n1\tカテゴリ\t質問\t一行目{sep}二行目\n2\tカ\t質\t回\n"
    )
    parsed = _parse(tmp_path, text.encode("utf-8"))
    assert isinstance(parsed, ParsedExport), parsed
    assert [e.no for e in parsed.entries] == [1, 2]
    assert parsed.entries[0].answer_html == f"一行目{sep}二行目"
