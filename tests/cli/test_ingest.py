"""`faqbot ingest` in a child process: reports changes, refuses malformed files cleanly."""

from __future__ import annotations

from pathlib import Path

from .conftest import Run, copy_data


def test_ingest_of_a_malformed_file_exits_1_with_the_line(run: Run, tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
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


def test_ingest_reports_what_changed(run: Run, tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    raw = (data / "raw" / "jecc_ws_platform_faq_2026-03-31.txt").read_text("utf-8").splitlines()
    raw = [line for line in raw if not line.startswith("48\t")]
    export = tmp_path / "jecc_ws_platform_faq_2026-06-30.txt"
    export.write_text("\n".join(raw) + "\n", encoding="utf-8")

    result = run("ingest", str(export), env={"FAQBOT_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert "removed: 48" in result.stdout
    assert "added: none" in result.stdout and "edited: none" in result.stdout
    assert "faqbot index" in result.stdout
