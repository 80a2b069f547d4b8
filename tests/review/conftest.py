"""Review fixtures: a private copy of data/ for tests that accept phrasings into it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.settings import ROOT


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(ROOT / "data", dest, ignore=shutil.ignore_patterns("feedback.sqlite3*", "*.tmp"))
    return dest
