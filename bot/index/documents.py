"""What gets indexed for each entry: several texts for the dense index, one token bag for BM25."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.models import FaqEntry
from bot.text.normalize import fix_published_typos, normalize
from bot.text.synonyms import Synonyms
from bot.text.tokenize import tokenize

# Which field each dense vector came from. Question-like fields match questions best; answer
# passages let answer-side facts ("RAIDは何？") find their entry.
FIELD_QUESTION = "question"
FIELD_ALT = "alt"
FIELD_EN = "en"
FIELD_ANSWER = "answer"

_MAX_PASSAGE_CHARS = 220


@dataclass(frozen=True)
class DenseDoc:
    no: int
    field: str
    text: str


def answer_passages(answer: str) -> list[str]:
    """Split an answer into passages of a few sentences, at paragraph breaks where possible."""
    passages: list[str] = []
    for para in (p.strip() for p in re.split(r"\n\s*\n|\n(?=【|ケース\d)", answer)):
        if not para:
            continue
        buf = ""
        for sentence in re.split(r"(?<=[。\n])", para):
            if buf and len(buf) + len(sentence) > _MAX_PASSAGE_CHARS:
                passages.append(buf.strip())
                buf = ""
            buf += sentence
        if buf.strip():
            passages.append(buf.strip())
    return passages


def dense_docs(entries: list[FaqEntry]) -> list[DenseDoc]:
    """Texts to embed. Case is kept (e5 reads it) but the published typos are corrected."""
    docs: list[DenseDoc] = []
    for published in entries:
        e = published.model_copy(
            update={
                "question": fix_published_typos(published.question),
                "answer": fix_published_typos(published.answer),
            }
        )
        docs.append(DenseDoc(e.no, FIELD_QUESTION, e.question))
        docs.extend(DenseDoc(e.no, FIELD_ALT, q) for q in e.alt_questions)
        docs.extend(DenseDoc(e.no, FIELD_EN, q) for q in e.en_questions)
        # The question gives context to each passage: "ケース2: ..." alone says nothing about disks.
        docs.extend(DenseDoc(e.no, FIELD_ANSWER, f"{e.question}\n{p}") for p in answer_passages(e.answer))
    return docs


def lexical_tokens(entry: FaqEntry, synonyms: Synonyms) -> list[str]:
    """One BM25 document per entry. The question-like fields count twice: they say what it is about."""
    question_side = " ".join([entry.question, *entry.alt_questions, *entry.en_questions, *entry.keywords])
    text = " ".join([question_side, question_side, entry.category, entry.answer])
    return tokenize(synonyms.expand(normalize(text)))
