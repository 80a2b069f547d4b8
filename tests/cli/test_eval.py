"""`faqbot eval` in a child process: the JSON contract and the baseline gate."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .conftest import FirstAsk, Run

CONTRACT = (
    "n", "n_in_scope", "n_out_of_scope", "recall@1", "recall@3", "recall@5", "mrr", "ndcg@10",
    "all_expected@5", "abstain_oos", "answer_in_scope", "by_kind", "items",
)  # fmt: skip

ITEMS = [
    {
        "id": "sim",
        "question": "閉域網用のSIMカードはどこが発行してくれますか？",
        "expected": [40],
        "kind": "casual",
    },
    {"id": "ram", "question": "VMのメモリ増やしたい", "expected": [18], "kind": "casual"},
    # Expects the NTP entry for a password question: a miss on purpose, so recall@1 is below 1.
    {"id": "wrong", "question": "ポータルのぱすわーどを忘れてしまいまいた", "expected": [1], "kind": "trap"},
    {"id": "rain", "question": "来週の大阪は雨が降りますか？", "expected": [], "kind": "oos"},
]


@pytest.fixture(scope="module")
def questions(cli_home: Path) -> Path:
    path = cli_home / "questions.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def evaluated(
    run: Run, questions: Path, cli_home: Path, first_ask: FirstAsk
) -> tuple[subprocess.CompletedProcess[str], Path]:
    assert first_ask[0].returncode == 0  # the index is built
    baseline = cli_home / "baseline.json"
    return run("eval", "--questions", str(questions), "--json", "--write-baseline", str(baseline)), baseline


def test_eval_json_prints_the_contract(evaluated: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, _ = evaluated
    assert result.returncode == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    assert set(CONTRACT) <= set(summary)
    assert (summary["n"], summary["n_in_scope"], summary["n_out_of_scope"]) == (4, 3, 1)
    assert [item["id"] for item in summary["items"]] == [i["id"] for i in ITEMS]
    for item in summary["items"]:
        assert {"id", "ranked", "abstained", "rank"} <= set(item)
    assert summary["recall@1"] == pytest.approx(2 / 3, abs=1e-3)
    assert summary["abstain_oos"] == 1.0
    assert set(summary["by_kind"]) == {"casual", "trap", "oos"}


def test_eval_passes_its_own_baseline(
    evaluated: tuple[subprocess.CompletedProcess[str], Path], run: Run, questions: Path
) -> None:
    _, baseline = evaluated
    result = run("eval", "--questions", str(questions), "--baseline", str(baseline))
    assert result.returncode == 0, result.stderr
    assert "no metric dropped" in result.stdout
    assert "recall@1" in result.stdout  # the human-readable table


def test_eval_fails_when_a_metric_is_below_the_baseline(
    evaluated: tuple[subprocess.CompletedProcess[str], Path], run: Run, questions: Path, tmp_path: Path
) -> None:
    _, baseline_path = evaluated
    baseline = json.loads(baseline_path.read_text("utf-8"))
    achieved = baseline["metrics"]["recall@1"]
    baseline["metrics"]["recall@1"] = achieved + baseline["tolerance"] + 0.01  # slightly out of reach
    raised = tmp_path / "raised.json"
    raised.write_text(json.dumps(baseline), encoding="utf-8")

    result = run("eval", "--questions", str(questions), "--baseline", str(raised))
    assert result.returncode == 1
    assert "REGRESSION recall@1" in result.stderr
    assert "REGRESSION mrr" not in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_with_a_bad_questions_file_names_the_line(run: Run, tmp_path: Path, first_ask: FirstAsk) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(ITEMS[0]) + "\n{oops\n", encoding="utf-8")
    result = run("eval", "--questions", str(bad), "--json")
    assert result.returncode == 1
    assert f"{bad}:2:" in result.stderr
    assert "Traceback" not in result.stderr
