"""Eval sets on disk: load_items validates every line and names the bad one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import DataError
from bot.evaluation.dataset import load_items
from bot.settings import ROOT

GOOD = {"id": "t-1", "question": "SIMは誰が発行？", "expected": [40], "kind": "casual"}


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_items_with_history_and_out_of_scope(tmp_path: Path) -> None:
    followup = {
        "id": "t-2",
        "question": "CPUの場合は？",
        "expected": [18],
        "kind": "followup",
        "history": [{"role": "user", "content": "ディスクを増やしたい"}],
    }
    oos = {"id": "t-3", "question": "天気は？", "expected": [], "kind": "oos"}
    items = load_items(_write(tmp_path, [json.dumps(GOOD), "", json.dumps(followup), json.dumps(oos)]))
    assert [i.id for i in items] == ["t-1", "t-2", "t-3"]
    assert items[0].in_scope and not items[2].in_scope
    assert items[1].history[0].role == "user"


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        json.dumps({**GOOD, "id": "x", "expected": ["forty"]}),
        json.dumps({"id": "x", "question": "q", "kind": "k"}),  # expected missing
        json.dumps({**GOOD, "id": "x", "answer": "extra field"}),
        json.dumps({**GOOD, "id": "x", "history": [{"role": "system", "content": "hi"}]}),
    ],
)
def test_bad_line_is_refused_with_path_and_line(tmp_path: Path, bad: str) -> None:
    path = _write(tmp_path, [json.dumps(GOOD), "", bad])
    with pytest.raises(DataError, match=f"{path}:3: "):
        load_items(path)


def test_duplicate_id_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [json.dumps(GOOD), json.dumps(GOOD)])
    with pytest.raises(DataError, match=f"{path}:2: duplicate id 't-1'"):
        load_items(path)


def test_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no eval items"):
        load_items(_write(tmp_path, [""]))
    with pytest.raises(DataError, match="not found"):
        load_items(tmp_path / "missing.jsonl")


def test_committed_eval_set_loads_and_cites_real_entries() -> None:
    items = load_items(ROOT / "eval" / "questions.jsonl")
    assert all(1 <= no <= 48 for item in items for no in item.expected)
    assert any(not item.in_scope for item in items) and any(len(item.expected) > 1 for item in items)
