"""CLI fixtures: `python -m bot ...` in a child process, on a private data copy and index folder.

The index folder starts empty, so the first command that needs the engine takes the real
build-on-first-use path; later commands in the module reuse that build.
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


def copy_data(dest: Path) -> Path:
    shutil.copytree(ROOT / "data", dest, ignore=shutil.ignore_patterns("feedback.sqlite3*", "*.tmp"))
    for path in dest.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return dest


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder with data/ (a copy) and an empty index/."""
    home = tmp_path_factory.mktemp("cli")
    copy_data(home / "data")
    (home / "index").mkdir()
    return home


@pytest.fixture(scope="module")
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

    def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=cli_home,  # no stray .env from the repo
            env={**base, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run_cli
