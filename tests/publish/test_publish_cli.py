"""`faqbot ingest NEW_EXPORT` → change report → `faqbot publish` → `--status` → `--rollback`, as a
maintainer runs them: child processes on copies of data/ and the index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.index.pointer import read_current, read_history
from publish.child_env import child_env

pytestmark = pytest.mark.slow
ADDED = "<p>なお、2026年7月より受付時間を変更しました。</p>"


def _run(home: Path, data: Path, index: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = child_env(home, data, index)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=home, env=env, capture_output=True, text=True, timeout=600
    )


def test_a_republished_export_goes_live_through_ingest_and_publish(
    publish_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    data, index = publish_dirs
    first = read_current(index)
    raw = (data / "raw" / "jecc_ws_platform_faq_2026-03-31.txt").read_text("utf-8").splitlines()
    raw = [line + ADDED if line.startswith("12\t") else line for line in raw]
    export = tmp_path / "jecc_ws_platform_faq_2026-06-30.txt"
    export.write_text("\n".join(raw) + "\n", encoding="utf-8")

    ingest = _run(tmp_path, data, index, "ingest", str(export))
    assert ingest.returncode == 0, ingest.stderr
    assert "edited: 12" in ingest.stdout and "faqbot publish" in ingest.stdout

    status = _run(tmp_path, data, index, "publish", "--status")
    assert status.returncode == 0, status.stderr
    assert f"data/ changed since {first} was built" in status.stdout

    published = _run(tmp_path, data, index, "publish")
    assert published.returncode == 0, published.stderr + published.stdout
    new = read_current(index)
    assert new != first and read_history(index)[-2:] == [first, new]
    assert f"published {new}" in published.stdout
    assert "probe recall@1" in published.stdout  # the gate's table
    assert "gate: questions" in published.stderr and "gate: probe" in published.stderr  # its progress
    snapshot = (index / str(new) / "data" / "faq.jsonl").read_text("utf-8")
    assert "2026年7月より受付時間を変更しました" in snapshot

    status = json.loads(_run(tmp_path, data, index, "publish", "--status", "--json").stdout)
    assert status["current"] == new and status["data_changed"] is False
    assert status["job"]["state"] == "passed" and status["job"]["build"] == new

    back = _run(tmp_path, data, index, "publish", "--rollback")
    assert back.returncode == 0, back.stderr
    assert read_current(index) == first and f"to {first}" in back.stdout
    again = _run(tmp_path, data, index, "publish", "--rollback")
    assert again.returncode == 1 and "no previous build" in again.stderr and "Traceback" not in again.stderr
