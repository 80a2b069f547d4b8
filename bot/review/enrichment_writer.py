"""Accepted phrasings into data/enrichment.jsonl, the file the maintainer edits by hand.

Only the accepted entry's line changes (every other line is kept byte for byte), duplicates are
skipped, and the file is replaced atomically. Nothing else is written: a publish merges
enrichment.jsonl into what it builds (bot/publish/source.py), and the servers' index watch sees
the data change at once. A lock file serialises writers across threads, worker processes and the CLI.
"""

from __future__ import annotations

import fcntl
import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.errors import DataError, NotFoundError
from bot.fsutil import atomic_write_text
from bot.ingest.store import ENRICHMENT_FILE, load_entries
from bot.text.normalize import normalize

LOCK_FILE = ".enrichment.lock"
_SPACES = re.compile(r"\s+")
_thread_lock = threading.Lock()  # flock is per open file: threads of one process need their own


@contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with _thread_lock, open(data_dir / LOCK_FILE, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def clean(phrasing: str) -> str:
    """One line: a user's line breaks and runs of spaces folded into single spaces."""
    return _SPACES.sub(" ", phrasing).strip()


def add_alt_questions(data_dir: Path, no: int, phrasings: Sequence[str]) -> tuple[str, ...]:
    """Add `phrasings` to entry `no`'s alt_questions; return the ones that were new.

    Raises NotFoundError for an entry not in data/faq.jsonl and DataError when data/ cannot be
    read, before anything is written.
    """
    with _locked(data_dir):
        entry = next((e for e in load_entries(data_dir) if e.no == no), None)
        if entry is None:
            raise NotFoundError(
                f"FAQ No.{no} is not in {data_dir / 'faq.jsonl'}: accept it for an existing entry"
            )
        path = data_dir / ENRICHMENT_FILE
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        at, record = _find(lines, no, path)
        alts = [str(a) for a in record.get("alt_questions", [])]
        seen = {normalize(t) for t in (entry.question, *alts, *entry.en_questions)}
        added: list[str] = []
        for phrasing in map(clean, phrasings):
            key = normalize(phrasing)
            if phrasing and key not in seen:
                seen.add(key)
                added.append(phrasing)
        if not added:
            return ()
        record["alt_questions"] = alts + added
        line = json.dumps(record, ensure_ascii=False)
        if at is None:
            lines.insert(_insert_at(lines, no), line)
        else:
            lines[at] = line
        atomic_write_text(path, "".join(x + "\n" for x in lines))
        return tuple(added)


def _find(lines: list[str], no: int, path: Path) -> tuple[int | None, dict[str, Any]]:
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            line_no = int(record["no"])
        except (ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}:{i + 1}: bad enrichment record ({exc}): fix it by hand first") from exc
        if line_no == no:
            return i, dict(record)
    return None, {"no": no, "alt_questions": []}


def _insert_at(lines: list[str], no: int) -> int:
    """Where a new entry's line goes: before the first line of a higher number, keeping the order."""
    for i, line in enumerate(lines):
        if line.strip() and int(json.loads(line)["no"]) > no:
            return i
    return len(lines)
