"""Latency summaries and the report files every benchmark writes."""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[idx]


@dataclass(frozen=True)
class Latency:
    n: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float

    @classmethod
    def of(cls, times_ms: Sequence[float]) -> Latency:
        return cls(
            n=len(times_ms),
            p50_ms=round(percentile(times_ms, 50), 3),
            p95_ms=round(percentile(times_ms, 95), 3),
            p99_ms=round(percentile(times_ms, 99), 3),
            mean_ms=round(statistics.fmean(times_ms), 3),
        )


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process now (VmRSS), in MB."""
    return _status_kb(pid, "VmRSS") / 1024


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory (VmHWM): ru_maxrss would carry a parent's peak across exec."""
    return _status_kb(pid, "VmHWM") / 1024


def _status_kb(pid: int | None, key: str) -> float:
    path = Path(f"/proc/{pid or os.getpid()}/status")
    for line in path.read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1])
    raise ValueError(f"{path} has no {key}")


def to_jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def write_report(out_dir: Path, name: str, report: Any, markdown: str) -> tuple[Path, Path]:
    """`<name>.json` and `<name>.md` in `out_dir`; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{name}.json", out_dir / f"{name}.md"
    text = json.dumps(to_jsonable(report), ensure_ascii=False, indent=2)
    json_path.write_text(text + "\n", encoding="utf-8")
    md_path.write_text(markdown, encoding="utf-8")
    return json_path, md_path


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        return f"{v:.3g}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
