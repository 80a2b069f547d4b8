"""`faqbot ask` in a child process: builds the index on first use, prints JSON or a readable reply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.answering.extractive import ABSTAIN_JA

if TYPE_CHECKING:
    from .conftest import FirstAsk, Run


def test_ask_builds_the_index_on_first_use(first_ask: FirstAsk, cli_home: Path) -> None:
    result, before = first_ask
    assert result.returncode == 0, result.stderr
    assert before == []
    assert (cli_home / "index" / "CURRENT").is_file()
    assert len(list((cli_home / "index").glob("build-*"))) == 1


def test_ask_json_has_hits_and_citations(first_ask: FirstAsk) -> None:
    result, _ = first_ask
    out: dict[str, Any] = json.loads(result.stdout)
    hits = out["retrieval"]["hits"]
    citations = out["reply"]["citations"]
    assert hits and hits[0]["no"] == 40
    assert out["retrieval"]["answerable"] is True
    assert citations and {c["no"] for c in citations} <= {h["no"] for h in hits}
    assert "[No.40]" in out["reply"]["text"]


def test_ask_out_of_scope_prints_the_abstain_message(first_ask: object, run: Run) -> None:
    result = run("ask", "来週の大阪は雨が降りますか？")
    assert result.returncode == 0, result.stderr
    assert "abstain (low_confidence)" in result.stdout
    assert ABSTAIN_JA in result.stdout
    assert "Traceback" not in result.stderr


def test_ask_unknown_category_is_a_usage_error(first_ask: object, run: Run) -> None:
    result = run("ask", "--category", "料金", "SIMは誰が発行？")
    assert result.returncode == 2
    assert "unknown category" in result.stderr and "閉域網サービス" in result.stderr
    assert "Traceback" not in result.stderr
