"""Known out-of-scope questions (data/negatives.jsonl): near neighbours that argue for abstaining."""

from __future__ import annotations

import json
from pathlib import Path

from bot.errors import DataError

NEGATIVES_FILE = "negatives.jsonl"


def load_negatives(data_dir: Path) -> list[str]:
    path = data_dir / NEGATIVES_FILE
    if not path.is_file():
        return []
    out: list[str] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(str(json.loads(line)["question"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f'{path}:{lineno}: expected {{"question": ...}} ({exc})') from exc
    return out
