"""`faqbot calibrate-ties` in a child process: the measurement as JSON and as a table, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conftest import Run

FIT = [
    {"id": "disk", "question": "仮想サーバのディスク容量を増やしたい", "expected": [17], "kind": "t"},
    {"id": "ram", "question": "VMのメモリを増やしたい", "expected": [18], "kind": "t"},
]
CHECK = [
    {"id": "sim", "question": "閉域網のSIMカードはどこが発行しますか？", "expected": [40], "kind": "t"},
]
ONLY_OOS = [{"id": "rain", "question": "来週の大阪は雨が降りますか？", "expected": [], "kind": "oos"}]


def write(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


def test_measures_and_picks(run: Run, tmp_path: Path) -> None:
    fit, check = write(tmp_path / "fit.jsonl", FIT), write(tmp_path / "check.jsonl", CHECK)
    r = run("calibrate-ties", "--questions", str(fit), "--check", str(check), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["calibration"]["n_right"] == 2 and out["check"]["n_answered"] == 1
    assert out["combined"]["n_answered"] == 3 and 0 <= out["picked_margin"] <= 2
    assert out["picked_margin"] in [row["margin"] for row in out["calibration"]["rows"]]

    table = run("calibrate-ties", "--questions", str(fit), "--check", str(check), "--max-right-share", "0.5")
    assert table.returncode == 0, table.stderr
    assert "<- picked" in table.stdout and "picked tie margin" in table.stdout


def test_a_set_without_answerable_items_says_so(run: Run, tmp_path: Path) -> None:
    oos = write(tmp_path / "oos.jsonl", ONLY_OOS)
    r = run("calibrate-ties", "--questions", str(oos), "--check", str(oos))
    assert r.returncode == 1 and "no answered question with a right first hit" in r.stderr
    bad = run("calibrate-ties", "--max-right-share", "1.5")
    assert bad.returncode == 2 and "max-right-share" in bad.stderr
