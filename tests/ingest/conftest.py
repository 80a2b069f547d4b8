"""Ingest fixtures: the real export, its lines, and writable copies of data/ in tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.ingest import ParsedExport, parse_export
from bot.settings import ROOT

RAW_EXPORT = ROOT / "data" / "raw" / "jecc_ws_platform_faq_2026-03-31.txt"

WriteExport = Callable[..., Path]


@pytest.fixture(scope="session")
def raw_export() -> Path:
    return RAW_EXPORT


@pytest.fixture(scope="session")
def parsed(raw_export: Path) -> ParsedExport:
    return parse_export(raw_export)


@pytest.fixture
def export_lines(raw_export: Path) -> list[str]:
    """The real export, one string per line (a fresh list each test, to edit)."""
    return raw_export.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def write_export(tmp_path: Path) -> WriteExport:
    """Write edited export lines to a file in tmp_path and return its path."""

    def write(lines: list[str], name: str = "faq_export.txt") -> Path:
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ (faq.jsonl, enrichment, synonyms, raw export...) a test may write to."""
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest, ignore=shutil.ignore_patterns("feedback.sqlite3*", "*.tmp"))
    for path in dest.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)  # the raw export is read-only in the repo
    return dest


@pytest.fixture(scope="session")
def line_of() -> Callable[[list[str], int], int]:
    """1-based line number of the record for FAQ No.`no` in export lines."""

    def find(lines: list[str], no: int) -> int:
        return next(i for i, line in enumerate(lines, start=1) if line.split("\t", 1)[0] == str(no))

    return find
