"""`faqbot ingest` in a child process: reports changes, refuses malformed files cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import FirstAsk, Run


def test_ingest_of_a_malformed_file_exits_1_with_the_line(run: Run, fresh_data: Path, tmp_path: Path) -> None:
    data = fresh_data
    faq_before = (data / "faq.jsonl").read_bytes()
    raw = (data / "raw" / "jecc_ws_platform_faq_2026-03-31.txt").read_text("utf-8").splitlines()
    lineno = next(i for i, line in enumerate(raw, start=1) if line.startswith("12\t"))
    raw[lineno - 1] = raw[lineno - 1].replace("\t", " ", 1)  # 3 columns left
    bad = tmp_path / "jecc_ws_platform_faq_2026-12-31.txt"
    bad.write_text("\n".join(raw) + "\n", encoding="utf-8")

    result = run("ingest", str(bad), env={"FAQBOT_DATA_DIR": str(data)})
    assert result.returncode == 1
    assert f"{bad}:{lineno}:" in result.stderr
    assert "columns" in result.stderr
    assert "Traceback" not in result.stderr
    assert (data / "faq.jsonl").read_bytes() == faq_before


def test_ingest_reports_what_changed(run: Run, fresh_data: Path, tmp_path: Path) -> None:
    data = fresh_data
    raw = (data / "raw" / "jecc_ws_platform_faq_2026-03-31.txt").read_text("utf-8").splitlines()
    raw = [line for line in raw if not line.startswith("48\t")]
    export = tmp_path / "jecc_ws_platform_faq_2026-06-30.txt"
    export.write_text("\n".join(raw) + "\n", encoding="utf-8")

    result = run("ingest", str(export), env={"FAQBOT_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert "removed: 48" in result.stdout
    assert "added: none" in result.stdout and "edited: none" in result.stdout
    assert "faqbot index" in result.stdout


def test_ask_on_an_index_made_stale_by_ingest_says_what_to_run(
    run: Run, first_ask: FirstAsk, cli_home: Path, fresh_data: Path, tmp_path: Path
) -> None:
    assert first_ask[0].returncode == 0
    index = tmp_path / "index"
    shutil.copytree(cli_home / "index", index)  # built from identical data: fresh for fresh_data
    env = {"FAQBOT_DATA_DIR": str(fresh_data), "FAQBOT_INDEX_DIR": str(index)}
    raw = (fresh_data / "raw" / "jecc_ws_platform_faq_2026-03-31.txt").read_text("utf-8").splitlines()
    export = tmp_path / "jecc_ws_platform_faq_2026-06-30.txt"
    export.write_text("\n".join(line for line in raw if not line.startswith("48\t")) + "\n", encoding="utf-8")

    ingested = run("ingest", str(export), env=env)
    assert ingested.returncode == 0, ingested.stderr
    assert "faqbot index" in ingested.stdout
    asked = run("ask", "SIMは誰が発行しますか？", env=env)
    assert asked.returncode == 1
    assert "stale" in asked.stderr and "Run `faqbot index`" in asked.stderr
    assert "Traceback" not in asked.stderr
