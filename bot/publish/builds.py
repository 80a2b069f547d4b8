"""The builds under index/ as a publisher sees them: which is current, which is previous, rollback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from bot.index.pointer import BUILD_PREFIX, index_lock, is_build, previous_build, read_current, roll_back
from bot.index.store import read_meta


class RollbackResult(BaseModel):
    rolled_back: str | None  # was current
    current: str  # current now
    message: str


@dataclass(frozen=True)
class BuildInfo:
    name: str
    built_at: str
    entries: int
    data_hash: str
    current: bool
    previous: bool


def list_builds(index_dir: Path) -> list[BuildInfo]:
    """Complete builds on disk, oldest first."""
    current, previous = read_current(index_dir), previous_build(index_dir)
    out = []
    for path in sorted(index_dir.glob(f"{BUILD_PREFIX}*")):
        if not is_build(path):
            continue
        try:
            meta = read_meta(path)
        except (OSError, ValueError):
            continue
        out.append(
            BuildInfo(
                name=path.name,
                built_at=str(meta.get("built_at", "")),
                entries=len(meta.get("entries", [])),
                data_hash=str(meta.get("data_hash", "")),
                current=path.name == current,
                previous=path.name == previous,
            )
        )
    return out


def rollback(index_dir: Path) -> RollbackResult:
    """Make the previous build current again (IndexBusyError while a publish runs)."""
    with index_lock(index_dir, wait=False):
        was, now = roll_back(index_dir)
    return RollbackResult(
        rolled_back=was,
        current=now,
        message=f"rolled back from {was or 'no build'} to {now}; running servers switch within seconds",
    )
