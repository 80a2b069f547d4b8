"""What each entry contributes to the index: dense passages and BM25 tokens."""

from __future__ import annotations

import re

import pytest

from bot.index.documents import (
    FIELD_ALT,
    FIELD_ANSWER,
    FIELD_EN,
    FIELD_HEADING,
    FIELD_QUESTION,
    FIELD_SENTENCE,
    Derivation,
    answer_passages,
    answer_sentences,
    dense_docs,
    headings,
    lexical_documents,
    strip_enrichment,
)
from bot.ingest import load_entries
from bot.models import FaqEntry
from bot.settings import ROOT
from bot.text.analyzer import Analyzer
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
    docs = dense_docs(entries, Analyzer())
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
        assert fields.count(FIELD_SENTENCE) == len(answer_sentences(fix_published_typos(e.answer)))
        assert fields.count(FIELD_HEADING) == len(headings(e.answer))
    # Answer passages carry their question as context.
    for d in docs:
        if d.field == FIELD_ANSWER:
            question = fix_published_typos(next(e.question for e in entries if e.no == d.no))
            assert d.text.startswith(question + "\n")


def test_dense_docs_index_the_corrected_form(entries: list[FaqEntry]) -> None:
    texts = [d.text for d in dense_docs(entries, Analyzer())]
    for wrong in PUBLISHED_TYPOS:
        assert not any(wrong in t for t in texts), wrong


def _words(entries: list[FaqEntry], analyzer: Analyzer) -> dict[int, list[str]]:
    words, _ = lexical_documents(entries, analyzer)
    return {e.no: w for e, w in zip(entries, words, strict=True)}


def test_lexical_tokens_index_the_corrected_lowercased_form(entries: list[FaqEntry]) -> None:
    bare = [_published_only(e) for e in entries]
    by_no = {e.no: e for e in bare}
    assert "キitting" in by_no[40].answer
    words = _words(bare, Analyzer(Synonyms.load(ROOT / "data")))
    assert any("キッティング" in t for t in words[40])
    assert not any("itting" in t for t in words[40])
    assert "zabbix" in words[19]  # "Zabbixによる監視機能"
    assert not any(t != t.lower() for t in words[19])


def test_question_side_counts_more_than_the_answer(entries: list[FaqEntry]) -> None:
    bare = [_published_only(e) for e in entries]
    tokens = _words(bare, Analyzer())[bare[0].no]
    assert tokens.count("時刻") >= 2 * bare[0].question.count("時刻")


def test_reading_documents_hold_the_sounds_of_the_text(entries: list[FaqEntry]) -> None:
    _, readings = lexical_documents(entries, Analyzer())
    by_no = {e.no: r for e, r in zip(entries, readings, strict=True)}
    # 時刻 (ジコク) is in entry 1's question: its reading grams must be indexed, not only its kanji.
    assert "ジコ" in by_no[1] and "コク" in by_no[1]


def test_derived_topic_drops_the_words_every_question_shares(entries: list[FaqEntry]) -> None:
    derivation = Derivation(entries, Analyzer())
    shared = "水道標準プラットフォーム"
    with_shared = [e for e in entries if shared in e.question]
    assert len(with_shared) >= 0.25 * len(entries)  # the premise: most questions name the platform
    for e in with_shared:
        assert shared not in derivation.topic(e.question)
    keywords = derivation.keywords(entries[0])
    assert keywords and all(len(k) > 1 for k in keywords)


def test_strip_enrichment_spreads_evenly_and_keeps_published_text(entries: list[FaqEntry]) -> None:
    stripped_entries, stripped = strip_enrichment(entries, 0.25)
    assert len(stripped) == round(0.25 * len(entries))
    for before, after in zip(entries, stripped_entries, strict=True):
        assert (before.question, before.answer) == (after.question, after.answer)
        if after.no in stripped:
            assert not (after.alt_questions or after.en_questions or after.keywords)
        else:
            assert after == before
