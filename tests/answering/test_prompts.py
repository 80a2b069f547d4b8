"""Prompt templates: files rendered strictly, and the repo's prompts fit the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.prompts import REQUIRED, PromptSet
from bot.errors import PromptError
from bot.settings import ROOT


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
    return tmp_path


def test_render_substitutes_named_placeholders(tmp_path: Path) -> None:
    prompts = PromptSet(
        _folder(tmp_path, greet="こんにちは、${name}様。料金は$$0です。\n"), required=("greet",)
    )
    assert prompts.render("greet", name="山田") == "こんにちは、山田様。料金は$0です。"


def test_missing_variable_is_an_error(tmp_path: Path) -> None:
    prompts = PromptSet(_folder(tmp_path, greet="${name} / ${company}"), required=())
    with pytest.raises(PromptError, match="company"):
        prompts.render("greet", name="山田")


def test_unused_variable_is_an_error(tmp_path: Path) -> None:
    # A template that lost ${question} must not silently send the model no question.
    prompts = PromptSet(_folder(tmp_path, answer="参照FAQ:\n${context}"), required=())
    with pytest.raises(PromptError, match="question"):
        prompts.render("answer", context="...", question="質問です")


def test_missing_template_fails_when_the_set_is_built(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match=r"system\.md"):
        PromptSet(_folder(tmp_path, entry="x"), required=("entry", "system"))


def test_invalid_placeholder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="invalid placeholder"):
        PromptSet(_folder(tmp_path, bad="料金は $ 100"), required=("bad",))


def test_repo_prompts_render_with_what_the_writer_passes() -> None:
    prompts = PromptSet(ROOT / "prompts")
    assert set(REQUIRED) <= {p.stem for p in (ROOT / "prompts").glob("*.md")}
    entry = prompts.render("entry", no="17", question="Q", answer="A")
    assert entry.startswith("[No.17]")
    context = prompts.render("context", entries=entry)
    for template, extra in (("answer", {"language_instruction": "日本語で"}), ("draft_paragraph", {})):
        text = prompts.render(template, context=context, question="メモリならどう？", **extra)
        assert "メモリならどう？" in text and "[No.17]" in text
    system = prompts.render("system", not_covered=prompts.render("not_covered"))
    assert "[No." in system  # the citation format is taught
    assert prompts.render("not_covered") in system  # the line the support check knows as ours
