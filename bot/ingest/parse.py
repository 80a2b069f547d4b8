"""Parse the raw FAQ export (title, 掲載日 line, header row, one tab-separated record per line)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import IngestError
from bot.ingest.html_text import html_to_text
from bot.models import FaqEntry

HEADER = ("No.", "カテゴリ", "質問内容", "回答内容")
_HEADER_TEXT = "<TAB>".join(HEADER)
_ASCII_NUMBER = re.compile(r"^[0-9]{1,6}$")  # str.isdigit() also accepts ① and ²
_PUBLISHED = re.compile(r"^掲載日[：:]\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*$")


@dataclass(frozen=True)
class ParsedExport:
    title: str
    published: str
    entries: tuple[FaqEntry, ...]


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IngestError(str(path), line, "not valid UTF-8 (re-export the FAQ as UTF-8)") from exc


def parse_export(path: Path) -> ParsedExport:
    """Parse and validate the whole file; raise IngestError naming the first bad line."""
    if not path.is_file():
        raise IngestError(str(path), None, "file not found")
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise IngestError(str(path), None, "file is empty")

    title, published, header_line = "", "", 0
    entries: list[FaqEntry] = []
    seen: dict[int, int] = {}
    # Records end at "\n" only. str.splitlines() also breaks at U+2028, U+0085, form feed, ... which a
    # web page's answer may hold: it split such a record and named the wrong line (found by hypothesis).
    for lineno, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not header_line:
            if stripped.startswith("#"):
                title = stripped.lstrip("#").strip()
            elif m := _PUBLISHED.match(stripped):
                published = _date(path, lineno, int(m[1]), int(m[2]), int(m[3]))
            elif tuple(c.strip() for c in line.split("\t")) == HEADER:
                header_line = lineno
            else:
                raise IngestError(
                    str(path), lineno, f"expected the header row {_HEADER_TEXT!r} (or a title / 掲載日 line)"
                )
            continue
        entries.append(_parse_record(path, lineno, line, published, seen))

    if not header_line:
        raise IngestError(str(path), None, f"header row {_HEADER_TEXT!r} not found")
    if not entries:
        raise IngestError(str(path), header_line, "no FAQ records after the header row")
    if not published:
        raise IngestError(str(path), None, "no '掲載日：YYYY/MM/DD' line before the header row")
    return ParsedExport(title=title, published=published, entries=tuple(entries))


def _date(path: Path, lineno: int, year: int, month: int, day: int) -> str:
    # The pattern alone let "掲載日：2026/13/45" through as "2026-13-45" (found by hypothesis).
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as exc:
        raise IngestError(str(path), lineno, f"掲載日 {year}/{month}/{day} is not a date ({exc})") from exc


def _parse_record(path: Path, lineno: int, line: str, published: str, seen: dict[int, int]) -> FaqEntry:
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) != len(HEADER):
        raise IngestError(
            str(path), lineno, f"expected {len(HEADER)} tab-separated columns, found {len(cols)}"
        )
    no_text, category, question, answer_html = (c.strip() for c in cols)
    if not _ASCII_NUMBER.match(no_text):
        raise IngestError(str(path), lineno, f"No. must be a whole number, got {no_text!r}")
    no = int(no_text)
    if no in seen:
        raise IngestError(str(path), lineno, f"duplicate No. {no} (first seen on line {seen[no]})")
    seen[no] = lineno
    for name, value in (("カテゴリ", category), ("質問内容", question), ("回答内容", answer_html)):
        if not value:
            raise IngestError(str(path), lineno, f"column {name} is empty for No. {no}")
    answer, links = html_to_text(answer_html)
    return FaqEntry(
        no=no,
        category=category,
        question=question,
        answer=answer,
        answer_html=answer_html,
        links=links,
        published=published,
    )
