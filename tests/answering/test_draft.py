"""Support-desk drafts: the service, the LLM paragraphs under the guard, and `faqbot draft`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import CliRunner, Result

from answering.scripted_llm import Scripted, ScriptedLLM
from bot.answering.service import AnswerService
from bot.cli import cli
from bot.engine import Engine
from bot.settings import Settings, get_settings

MAIL = """いつもお世話になっております。〇〇システムズの山田です。

1. 仮想サーバのCPUを4コアから8コアに変更したいのですが、どのような作業が発生しますか。
2. SIMが故障した場合の再発行の流れを教えてください。
3. 仮想サーバの月額料金表をいただけますか。

お忙しいところ恐れ入りますが、よろしくお願いいたします。

――――――――
〇〇システムズ 開発部
山田 太郎
TEL: 03-0000-0000
"""
QUESTIONS = [
    "仮想サーバのCPUを4コアから8コアに変更したいのですが、どのような作業が発生しますか。",
    "SIMが故障した場合の再発行の流れを教えてください。",
    "仮想サーバの月額料金表をいただけますか。",
]


def test_mail_with_three_questions_gets_two_cited_paragraphs_and_one_to_confirm(
    service: AnswerService,
) -> None:
    draft = service.draft(MAIL)
    assert [p.inquiry for p in draft.paragraphs] == QUESTIONS  # greeting and signature dropped
    assert [p.covered for p in draft.paragraphs] == [True, True, False]
    assert [[c.no for c in p.citations] for p in draft.paragraphs] == [[18], [41], []]
    assert "[No.18]" in draft.paragraphs[0].text and "[No.41]" in draft.paragraphs[1].text
    assert "FAQに記載がないため確認のうえ改めてご回答いたします" in draft.paragraphs[2].text
    assert draft.text.startswith("お世話になっております。")
    assert draft.text.rstrip().endswith("よろしくお願いいたします。")
    assert [c.no for c in draft.citations] == [18, 41] and draft.mode == "extractive"
    # One numbered paragraph per question, in order, with the links listed once.
    positions = [draft.text.index(f"{i}. 「") for i in (1, 2, 3)]
    assert positions == sorted(positions)
    assert draft.text.count(service.linker.link(41)) == 1


def test_llm_paragraphs_are_guarded_one_by_one(
    engine: Engine, llm_settings: Settings, scripted: ScriptedLLM
) -> None:
    scripted.enqueue(
        Scripted(content="CPUの変更には、仮想サーバのシャットダウンが必要でございます。[No.18]"),
        Scripted(content="SIMの再発行は即日可能で、費用は無料でございます。[No.44]"),  # invented source
    )
    draft = AnswerService.from_settings(engine, llm_settings).draft(MAIL)
    first, second, third = draft.paragraphs
    assert (
        first.mode == "llm"
        and first.text.startswith("CPUの変更には")
        and [c.no for c in first.citations] == [18]
    )
    assert second.mode == "fallback" and second.fallback_reason == "unretrieved_citation"
    assert [c.no for c in second.citations] == [41] and "無料" not in second.text
    assert not third.covered and third.mode == "extractive"
    assert draft.mode == "fallback"
    assert len(scripted.history) == 2  # the question outside the FAQ never reaches the model


class Invoke(Protocol):
    def __call__(self, *args: str, stdin: str | None = None) -> Result: ...


@pytest.fixture
def run(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    """Invoke `faqbot …` in-process against the test data and index, extractive writer."""
    monkeypatch.setenv("FAQBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FAQBOT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("FAQBOT_LLM_BASE_URL", "")
    get_settings.cache_clear()

    def invoke(*args: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def test_cli_draft_reads_stdin(run: Invoke) -> None:
    result = run("draft", stdin=MAIL)
    assert result.exit_code == 0, result.output
    assert (
        "[No.18]" in result.output and "FAQに記載がないため確認のうえ改めてご回答いたします" in result.output
    )


def test_cli_draft_json(run: Invoke, tmp_path: Path) -> None:
    mail = tmp_path / "mail.txt"
    mail.write_text(MAIL, encoding="utf-8")
    result = run("draft", "--json", str(mail))
    out = json.loads(result.output)
    assert [p["covered"] for p in out["paragraphs"]] == [True, True, False]


def test_cli_batch_jsonl_in_jsonl_out(run: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "inquiries.jsonl"
    rows = [
        {"id": "A-1", "inquiry": MAIL},
        {"id": "A-2", "inquiry": "データセンターの場所を教えてください。"},
        {"inquiry": "水道料金の支払い方法を教えてください。"},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    result = run("draft", "--batch", str(source))
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [o["id"] for o in out] == ["A-1", "A-2", "3"]
    assert [[c["no"] for c in o["citations"]] for o in out] == [[18, 41], [47], []]
    assert out[2]["paragraphs"][0]["covered"] is False
    assert out[1]["inquiry"] == rows[1]["inquiry"] and out[1]["text"].startswith("お世話になっております。")


def test_cli_batch_csv_and_a_bad_row(run: Invoke, tmp_path: Path) -> None:
    source = tmp_path / "inquiries.csv"
    source.write_text('id,inquiry\nB-1,"SIMを再発行したいです。"\nB-2,""\n', encoding="utf-8")
    result = run("draft", "--batch", str(source))
    out = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert out[0]["id"] == "B-1" and [c["no"] for c in out[0]["citations"]] == [41]
    assert out[1] == {"id": "B-2", "error": "empty inquiry"}
    assert result.exit_code == 1  # the batch finishes, and says that one row failed


def test_cli_batch_jsonl_on_stdin_reports_malformed_lines(run: Invoke) -> None:
    result = run("draft", "--batch", stdin='{"id": "C-1", "inquiry": "SIMを再発行したい"}\nnot json\n')
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert lines[0]["id"] == "C-1" and "error" not in lines[0]
    assert "not JSON" in lines[1]["error"] and result.exit_code == 1
