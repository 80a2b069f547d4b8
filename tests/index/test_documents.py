"""What each entry contributes to the index: dense passages and BM25 tokens."""

from __future__ import annotations

import re

import pytest

from bot.index.documents import (
    FIELD_ALT,
    FIELD_ANSWER,
    FIELD_EN,
    FIELD_QUESTION,
    answer_passages,
    dense_docs,
    lexical_tokens,
)
from bot.ingest import load_entries
from bot.models import FaqEntry
from bot.settings import ROOT
from bot.text.normalize import PUBLISHED_TYPOS, fix_published_typos
from bot.text.synonyms import Synonyms


def _published_only(entry: FaqEntry) -> FaqEntry:
    """The entry without our enrichment, so a token can only come from the published text."""
    return entry.model_copy(update={"alt_questions": (), "en_questions": (), "keywords": ()})


@pytest.fixture(scope="module")
def entries() -> list[FaqEntry]:
    return load_entries(ROOT / "data")


def test_answer_passages_lose_no_text(entries: list[FaqEntry]) -> None:
    for e in entries:
        passages = answer_passages(e.answer)
        assert passages
        assert re.sub(r"\s", "", "".join(passages)) == re.sub(r"\s", "", e.answer), f"No.{e.no}"


def test_long_answers_are_cut_into_several_passages(entries: list[FaqEntry]) -> None:
    longest = max(entries, key=lambda e: len(e.answer))
    passages = answer_passages(longest.answer)
    assert len(passages) > 1
    # A passage only exceeds the limit when one sentence alone does.
    for p in passages:
        sentences = re.split(r"(?<=[。\n])", p)
        assert len(p) <= 220 or len(sentences) <= 2


def test_dense_docs_cover_every_field(entries: list[FaqEntry]) -> None:
    docs = dense_docs(entries)
    by_no: dict[int, list[str]] = {}
    for d in docs:
        by_no.setdefault(d.no, []).append(d.field)
    assert set(by_no) == {e.no for e in entries}
    for e in entries:
        fields = by_no[e.no]
        assert fields.count(FIELD_QUESTION) == 1
        assert fields.count(FIELD_ALT) == len(e.alt_questions)
        assert fields.count(FIELD_EN) == len(e.en_questions)
        assert fields.count(FIELD_ANSWER) == len(answer_passages(e.answer))
    # Answer passages carry their question as context.
    for d in docs:
        if d.field == FIELD_ANSWER:
            question = fix_published_typos(next(e.question for e in entries if e.no == d.no))
            assert d.text.startswith(question + "\n")


def test_dense_docs_index_the_corrected_form(entries: list[FaqEntry]) -> None:
    texts = [d.text for d in dense_docs(entries)]
    for wrong in PUBLISHED_TYPOS:
        assert not any(wrong in t for t in texts), wrong


def test_lexical_tokens_index_the_corrected_lowercased_form(entries: list[FaqEntry]) -> None:
    synonyms = Synonyms.load(ROOT / "data")
    by_no = {e.no: _published_only(e) for e in entries}
    assert "キitting" in by_no[40].answer
    tokens_40 = lexical_tokens(by_no[40], synonyms)
    assert any("キッティング" in t for t in tokens_40)
    assert not any("itting" in t for t in tokens_40)
    tokens_19 = lexical_tokens(by_no[19], synonyms)  # "Zabbixによる監視機能"
    assert "zabbix" in tokens_19
    assert not any(t != t.lower() for t in tokens_19)


def test_question_side_counts_more_than_the_answer(entries: list[FaqEntry]) -> None:
    synonyms = Synonyms(())
    bare = _published_only(entries[0])
    tokens = lexical_tokens(bare, synonyms)
    assert tokens.count("時刻") >= 2 * bare.question.count("時刻")
