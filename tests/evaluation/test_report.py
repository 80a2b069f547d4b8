"""write_report: a markdown page with charts, naming the misses."""

from __future__ import annotations

from pathlib import Path

from bot.engine import Engine
from bot.evaluation.runner import ItemResult, summarize


def test_report_has_metrics_charts_and_misses(engine: Engine, tmp_path: Path) -> None:
    from bot.evaluation.report import write_report

    results = [
        ItemResult(id="hit", kind="casual", question="SIMは誰が発行？", expected=[40], ranked=[40, 41],
                   abstained=False, confidence=0.9, first_rank=1),
        ItemResult(id="miss", kind="casual", question="RAID|構成", expected=[14], ranked=[30, 14],
                   abstained=False, confidence=0.8, first_rank=2),
        ItemResult(id="oos", kind="oos", question="天気", expected=[], ranked=[1, 2],
                   abstained=True, confidence=0.1, first_rank=None),
    ]  # fmt: skip
    path = write_report(tmp_path / "report", summarize(results, "hybrid"), results, engine)
    text = path.read_text("utf-8")
    for png in ("recall_by_kind.png", "recall_by_category.png", "confidence.png"):
        assert (tmp_path / "report" / png).stat().st_size > 1000
        assert png in text
    assert "| recall@1 | 0.500 |" in text
    assert "| miss | RAID/構成 |" in text  # table-safe
    assert "| hit |" not in text
    assert "| No.14 " in text  # the confusion table names the entries
