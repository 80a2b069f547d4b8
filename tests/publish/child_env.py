"""The environment of a `python -m bot` child run on copies of data/ and the index."""

from __future__ import annotations

import os
from pathlib import Path


def child_env(home: Path, data: Path, index: Path) -> dict[str, str]:
    """Ours without any FAQBOT_* setting of the caller's, pointed at these folders; one OpenMP
    thread, as a server worker has (a CLI run would take every core per query)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(
        FAQBOT_DATA_DIR=str(data),
        FAQBOT_INDEX_DIR=str(index),
        FAQBOT_FEEDBACK_DB=str(home / "feedback.sqlite3"),
        PYTHONIOENCODING="utf-8",
        OMP_NUM_THREADS="1",
    )
    return env
