"""CLI fixtures: `python -m bot ...` in a child process, on a private data copy and index folder.

The index folder starts empty: `first_ask` is the first command to need the engine and takes the
real build-on-first-use path; every later command in this package reuses that build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.settings import ROOT

Run = Callable[..., subprocess.CompletedProcess[str]]
FirstAsk = tuple[subprocess.CompletedProcess[str], list[str]]


def _copy_data(dest: Path) -> Path:
    shutil.copytree(ROOT / "data", dest, ignore=shutil.ignore_patterns("feedback.sqlite3*", "*.tmp"))
    for path in dest.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return dest


@pytest.fixture(scope="package")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder with data/ (a copy) and an empty index/."""
    home = tmp_path_factory.mktemp("cli")
    _copy_data(home / "data")
    (home / "index").mkdir()
    return home


@pytest.fixture(scope="package")
def run(cli_home: Path) -> Run:
    """Run `python -m bot ARGS` with settings pointing into cli_home (never at the repo's data/index)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    base.update(
        FAQBOT_DATA_DIR=str(cli_home / "data"),
        FAQBOT_INDEX_DIR=str(cli_home / "index"),
        FAQBOT_FEEDBACK_DB=str(cli_home / "feedback.sqlite3"),
        HF_HUB_OFFLINE="1",
        PYTHONIOENCODING="utf-8",
    )

    def run_cli(
        *args: str, env: dict[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=cli_home,  # no stray .env from the repo
            env={**base, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run_cli


@pytest.fixture(scope="package")
def first_ask(run: Run, cli_home: Path) -> FirstAsk:
    """`ask --json` on the still-empty index folder. Returns the result and the folder listing before."""
    before = sorted(p.name for p in (cli_home / "index").iterdir())
    return run("ask", "--json", "閉域網用のSIMカードはどこが発行してくれますか？"), before


@pytest.fixture
def fresh_data(tmp_path: Path) -> Path:
    """A private copy of data/ for one test that writes to it (point FAQBOT_DATA_DIR at it)."""
    return _copy_data(tmp_path / "data")
