"""Distinct questions for load: a repeated question would measure a cache, not the server."""

from __future__ import annotations

import json
from pathlib import Path

from bot.settings import ROOT

# Question texts only (never expected answers): the sets written by independent authors.
SOURCES = (
    "eval/probe.jsonl",
    "eval/questions.jsonl",
    "data/calibration.jsonl",
    "data/calibration_multi.jsonl",
)
# Appended to make repeats distinct strings; they change nothing a retriever keys on.
_SUFFIXES = ("", "。", "？", " よろしくお願いします。", " お手数ですが教えてください。", " 至急です。")


def question_pool(root: Path = ROOT, sources: tuple[str, ...] = SOURCES) -> list[str]:
    seen: dict[str, None] = {}
    for name in sources:
        path = root / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = str(json.loads(line).get("question", "")).strip()
                if q and len(q) <= 400:
                    seen.setdefault(q, None)
    if not seen:
        raise FileNotFoundError(f"no questions found in {', '.join(sources)} under {root}")
    return list(seen)


def distinct_questions(n: int, pool: list[str]) -> list[str]:
    """`n` distinct strings: the pool, then the pool again with a different suffix each round."""
    out: list[str] = []
    for round_ in range(n // len(pool) + 1):
        suffix = _SUFFIXES[round_ % len(_SUFFIXES)] + ("" if round_ < len(_SUFFIXES) else f"（{round_}）")
        out.extend(q + suffix for q in pool)
    return out[:n]
