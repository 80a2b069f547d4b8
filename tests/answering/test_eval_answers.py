"""Answer metrics (bot/evaluation/answers.py) and `faqbot eval --answers`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.engine import Engine
from bot.evaluation.answers import AnswerItem, answer_metrics, summarize_answers
from bot.settings import Settings, get_settings

TWO_LINES = "モバイル回線と固定回線の納期をそれぞれ教えてください"


def _item(
    id: str, expected: list[int], cited: list[int], mode: str = "extractive", reason: str | None = None
) -> AnswerItem:
    return AnswerItem(
        id=id, kind="k", expected=expected, cited=cited, suggested=[], mode=mode, fallback_reason=reason
    )


def test_metrics_count_each_citation() -> None:
    items = [
        _item("a", [17], [17]),
        _item("b", [17, 18], [17, 16]),  # one right, one wrong, one missed
        _item("c", [], [], mode="abstain"),  # right to abstain
        _item("d", [], [44]),  # out of scope, answered anyway: a wrong citation presented as the answer
        _item("e", [5], [], mode="abstain"),  # should have answered
    ]
    m = answer_metrics(items)
    assert m["citation_precision"] == round(2 / 4, 4)
    assert m["citation_recall"] == round(2 / 4, 4)
    assert m["citation_precision_in_scope"] == round(2 / 3, 4)  # item d is retrieval's doing
    assert m["abstain_correct"] == round(3 / 5, 4)
    assert m["oos_presented"] == 1 and m["in_scope_abstained"] == 1
    assert m["fallback_rate"] == 0.0 and m["suggestions_as_citations"] == 0


def test_summary_splits_by_mode_and_names_fallback_reasons() -> None:
    items = [
        _item("a", [17], [17], mode="llm"),
        _item("b", [18], [18], mode="fallback", reason="timeout"),
        _item("c", [], [], mode="abstain"),
    ]
    s = summarize_answers(items, "llm")
    assert set(s["by_mode"]) == {"llm", "fallback", "abstain"}
    assert s["fallback_rate"] == round(1 / 3, 4) and s["fallback_reasons"] == {"timeout": 1}
    assert s["by_mode"]["llm"]["citation_precision"] == 1.0


def test_eval_cli_reports_answers(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "q1", "question": "Dドライブの容量を増やす手順を知りたい", "expected": [17], "kind": "polite"},
        {"id": "q2", "question": TWO_LINES, "expected": [33, 37], "kind": "multi"},
        {"id": "q3", "question": "水道代の口座振替を申し込みたい", "expected": [], "kind": "oos"},
    ]  # fmt: skip
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    monkeypatch.setenv("FAQBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FAQBOT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("FAQBOT_LLM_BASE_URL", "")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        as_json = runner.invoke(cli, ["eval", "--questions", str(questions), "--answers", "--json"])
        table = runner.invoke(cli, ["eval", "--questions", str(questions), "--answers"])
    finally:
        get_settings.cache_clear()
    answers = json.loads(as_json.stdout)["answers"]
    assert answers["writer"] == "extractive"
    assert answers["citation_precision"] == 1.0 and answers["citation_recall"] == 1.0
    assert answers["abstain_correct"] == 1.0 and answers["oos_presented"] == 0
    assert set(answers["by_mode"]) == {"extractive", "abstain"}
    assert "answers (extractive writer):" in table.output and "citation_recall" in table.output
