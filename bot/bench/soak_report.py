"""The soak's verdict and its markdown table."""

from __future__ import annotations

from typing import Any

from bot.bench.soak import SoakReport
from bot.bench.stats import markdown_table

GROWTH_TARGET = 0.10  # RSS between the mark and the end


def misses(r: SoakReport) -> list[str]:
    out = []
    if r.server_errors:
        out.append(f"{r.server_errors} server errors or failed requests: {r.statuses}")
    if r.feedback_lost:
        out.append(f"{r.feedback_lost} acknowledged ratings missing from the database")
    if r.feedback_acked < r.feedback_sent:
        out.append(f"{r.feedback_sent - r.feedback_acked} ratings refused")
    if r.unrecorded_requests:
        out.append(f"{r.unrecorded_requests} answered requests not recorded")
    if r.growth is not None and r.growth > GROWTH_TARGET:
        out.append(f"RSS grew {r.growth:.1%} (target <= {GROWTH_TARGET:.0%})")
    if r.publish is not None and not r.publish.ok:
        out.append(f"the publish failed: {r.publish.detail}")
    if r.stopped_early:
        out.append(f"stopped at the time limit after {r.requests} requests")
    return out


def soak_markdown(r: SoakReport) -> str:
    lat = r.latency
    rows: list[list[Any]] = [
        ["requests", r.requests],
        ["seconds", r.seconds],
        ["req/s", r.req_per_s],
        ["statuses", ", ".join(f"{k}: {v}" for k, v in r.statuses.items())],
        ["5xx + failed", r.server_errors],
        ["p50 / p95 / p99 ms", f"{lat.p50_ms} / {lat.p95_ms} / {lat.p99_ms}" if lat else "-"],
        ["ratings sent / stored / lost", f"{r.feedback_sent} / {r.feedback_rows} / {r.feedback_lost}"],
        ["answered requests not recorded", r.unrecorded_requests],
        ["RSS MB", ", ".join(f"{k}: {v}" for k, v in r.rss_mb.items())],
        ["RSS growth", f"{r.growth:.1%}" if r.growth is not None else "-"],
        ["open files", ", ".join(f"{k}: {v}" for k, v in r.open_files.items())],
    ]
    if r.publish is not None:
        p = r.publish
        rows.append(
            [
                f"publish ({p.mode}) at request {p.at_request}",
                f"{'ok' if p.ok else 'FAILED'} in {p.seconds} s; {p.build_before} -> {p.build_after}; "
                + (f"switched {p.switch_seconds} s after it finished" if p.switched else "not switched"),
            ]
        )
    text_ = "## Soak\n\n" + markdown_table(["measure", "value"], rows)
    missed = misses(r)
    return text_ + ("\nMissed: " + "; ".join(missed) + "\n" if missed else "\nAll targets met.\n")
