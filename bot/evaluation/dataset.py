"""Eval sets: JSONL of {id, question, expected, kind, history?}."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.errors import DataError
from bot.models import Turn


class EvalItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    question: str
    expected: tuple[int, ...]
    kind: str
    history: tuple[Turn, ...] = ()
    # Entries on the topic of an out-of-scope item (a value the FAQ never gives): shown, not answers.
    related: tuple[int, ...] = ()
    lang: str | None = None

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)


def load_items(path: Path) -> list[EvalItem]:
    if not path.is_file():
        raise DataError(f"question file {path} not found")
    items: list[EvalItem] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = EvalItem.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise DataError(f"{path}:{lineno}: not a valid eval item: {exc}") from exc
        if item.id in seen:
            raise DataError(f"{path}:{lineno}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise DataError(f"{path} holds no eval items")
    return items
