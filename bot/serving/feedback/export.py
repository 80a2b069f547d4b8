"""Write feedback rows as CSV or JSON lines (for `faqbot feedback export`)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Literal, TextIO

from bot.serving.feedback.base import FeedbackRow

ExportFormat = Literal["csv", "jsonl"]
COLUMNS = list(FeedbackRow.model_fields)


def write_rows(rows: Iterable[FeedbackRow], out: TextIO, fmt: ExportFormat) -> int:
    """Write every row; return how many were written."""
    n = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row.model_dump(mode="json"), ensure_ascii=False) + "\n")
            n += 1
        return n
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        data = row.model_dump(mode="json")
        # Spreadsheets read "17 18" better than a JSON array.
        data["citations"] = " ".join(str(no) for no in row.citations)
        data["suggestions"] = " ".join(str(no) for no in row.suggestions)
        writer.writerow(data)
        n += 1
    return n
