"""The FAQ-gap export: questions marked as gaps, grouped again, one CSV line per distinct question.

The groups are recomputed over the gap questions alone (the clustering that formed the queue's
rows), so two decisions about the same missing topic, days apart, come out as one group.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import TextIO

from bot.review.models import GapQuestion, GapRow, QueueItem
from bot.review.queue import ReviewQueue

COLUMNS = list(GapRow.model_fields)
# A cell starting with one of these is a formula to a spreadsheet: users' text must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def gap_rows(questions: Sequence[GapQuestion], queue: ReviewQueue) -> list[GapRow]:
    """Biggest groups first; within a group, the most asked question first."""
    if not questions:
        return []
    as_items = [
        QueueItem(
            request_id=q.request_id,
            question=q.question,
            asked_at=q.asked_at,
            kinds=(),
            mode="",
            top_entries=q.top_entries,
        )
        for q in questions
    ]
    by_id = {q.request_id: q for q in questions}
    rows: list[GapRow] = []
    clusters = sorted(queue.group(as_items), key=lambda c: (-c.count, c.first_asked))
    for cluster in clusters:
        by_text: dict[str, list[GapQuestion]] = {}
        for member in cluster.members:
            by_text.setdefault(member.question.strip(), []).append(by_id[member.request_id])
        for text, group in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[1][0].asked_at)):
            last_mark = max(group, key=lambda g: g.marked_at)
            rows.append(
                GapRow(
                    gap_id=cluster.id,
                    cluster_count=cluster.count,
                    question=text,
                    count=len(group),
                    first_asked=min(g.asked_at for g in group),
                    last_asked=max(g.asked_at for g in group),
                    marked_by=last_mark.marked_by,
                    marked_at=last_mark.marked_at,
                )
            )
    return rows


def write_csv(rows: Iterable[GapRow], out: TextIO) -> int:
    """Write the rows with a header; return how many were written."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: _as_text(v) for k, v in row.model_dump().items()})
        n += 1
    return n


def _as_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
