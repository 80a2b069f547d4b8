"""The scale report: what it records per size, the targets it is held to, its markdown and charts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.bench.stats import Latency, markdown_table


@dataclass(frozen=True)
class SizeResult:
    entries: int
    vectors: int
    dense_kind: str  # "flat" (exact) or "hnsw" (approximate)
    embedding: str  # "real" or "synthetic"
    build_s: float  # real: measured; synthetic: measured build without embedding + predicted embedding
    embed_s: float  # real: measured; synthetic: texts / measured texts per second
    disk_mb: float
    open_s: float  # fresh process: imports + Engine.open
    peak_rss_mb: float  # VmHWM of that process after the queries
    rss_mb: float  # VmRSS after the queries
    latency: Latency
    p50_ratio: float  # vs the real FAQ's size, measured in the same run
    p99_ratio: float
    recall_at_10: float | None  # approximate index vs exact search of its vectors, entry-level top 10
    same_base_top1: float  # questions whose top entry is (a copy of) the one they got at the real size
    embed_p50_ms: float  # bare query embedding in the same process: shows a busy machine


@dataclass(frozen=True)
class Target:
    entries: int
    metric: str  # a SizeResult field
    limit: float
    text: str


TARGETS = (
    Target(10_000, "p50_ratio", 1.5, "query p50 ≤ 1.5 × the 48-entry figure"),
    Target(10_000, "build_s", 300.0, "build ≤ 5 min"),
    Target(10_000, "peak_rss_mb", 1024.0, "RSS ≤ 1 GB"),
    Target(100_000, "p50_ratio", 3.0, "query p50 ≤ 3 × the 48-entry figure"),
    Target(100_000, "peak_rss_mb", 3072.0, "RSS ≤ 3 GB"),
)


@dataclass(frozen=True)
class TargetCheck:
    target: Target
    value: float | None  # None: that size was not measured
    met: bool | None


@dataclass
class ScaleReport:
    questions: int
    repeat: int
    approximate_from: int  # dense vectors from which the index is HNSW
    noise_cosine: float  # synthetic vectors' mean cosine to their base text's vector
    noise_calibrated: bool  # measured on really embedded copies (else given by the caller)
    texts_per_s: float  # document-embedding throughput, the best of the real builds in this run
    sizes: list[SizeResult] = field(default_factory=list)
    targets: list[TargetCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # anything a reader must know about this run


def read_scale_report(path: Path) -> ScaleReport:
    """A scale.json back as a report (to redraw it, or to add sizes measured in another run)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    sizes = [SizeResult(**{**s, "latency": Latency(**s["latency"])}) for s in raw.pop("sizes")]
    raw.pop("targets", None)
    return ScaleReport(**raw, sizes=sizes)


def check_targets(sizes: Sequence[SizeResult], targets: Sequence[Target] = TARGETS) -> list[TargetCheck]:
    by_size = {s.entries: s for s in sizes}
    out = []
    for t in targets:
        size = by_size.get(t.entries)
        value = None if size is None else float(getattr(size, t.metric))
        out.append(TargetCheck(t, value, None if value is None else value <= t.limit))
    return out


def scale_markdown(r: ScaleReport) -> str:
    per_entry = r.sizes[0].vectors / max(1, r.sizes[0].entries) if r.sizes else 17.0
    rows = [
        [
            # Written out: markdown_table's 3 significant digits would print a 10-hour build as 3.6e+04.
            s.entries, f"{s.vectors:,}", s.dense_kind, s.embedding, f"{s.build_s:,.0f}", f"{s.disk_mb:,.1f}",
            f"{s.peak_rss_mb:,.0f}", f"{s.rss_mb:,.0f}", s.latency.p50_ms, s.latency.p99_ms,
            s.p50_ratio, s.p99_ratio,
            "–" if s.recall_at_10 is None else s.recall_at_10, s.same_base_top1, s.embed_p50_ms, s.open_s,
        ]
        for s in r.sizes
    ]  # fmt: skip
    headers = [
        "entries", "vectors", "index", "embedding", "build s", "disk MB", "peak RSS MB", "RSS MB",
        "p50 ms", "p99 ms", "p50 ×", "p99 ×", "recall@10", "same top-1 base", "embed p50 ms", "open s",
    ]  # fmt: skip
    checks = [
        f"- {c.target.entries:,} entries, {c.target.text}: "
        + ("not measured" if c.value is None else f"{c.value:g} — {'met' if c.met else 'MISSED'}")
        for c in r.targets
    ]
    return (
        "# Cost as the FAQ grows\n\n"
        f"{r.questions} distinct real questions × {r.repeat}, each size served by a fresh process "
        "(one worker's thread budget). Entries past the real 48 are perturbed copies "
        "(bot/bench/synthetic.py). `embedding: synthetic` sizes use the real vectors of the copied "
        f"texts plus noise (cosine {r.noise_cosine} to the base, "
        + ("as measured for really embedded copies" if r.noise_calibrated else "as given")
        + f"); their build time adds the embedding the measured {r.texts_per_s} texts/s predicts.\n\n"
        f"The dense index is exact (flat) below {r.approximate_from:,} vectors and HNSW over 8-bit codes "
        f"from there: at ~{per_entry:.0f} texts per entry, from about "
        f"{r.approximate_from / per_entry:,.0f} entries.\n\n"
        + markdown_table(headers, rows)
        + "\n## Targets\n\n"
        + "\n".join(checks)
        + "\n"
        + "".join(f"\n{note}\n" for note in r.notes)
    )


def scale_charts(r: ScaleReport, out_dir: Path) -> list[Path]:
    """scale_latency.png, scale_rss.png, scale_build.png: log-x over entries, targets dashed in red."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    xs = [s.entries for s in r.sizes]
    ref = r.sizes[0].latency.p50_ms if r.sizes else 0.0
    limits = {(t.entries, t.metric): t.limit for t in TARGETS}

    def target(ax: Any, metric: str, scale: float, unit: str) -> None:
        for (entries, m), limit in limits.items():
            if m == metric:
                y = limit * scale
                ax.axhline(y, linestyle="--", color="red", alpha=0.6, linewidth=1)
                ax.annotate(f"{entries:,}-entry target {y:.0f} {unit}", (xs[-1] if xs else 1, y), fontsize=7,
                            color="red", va="bottom", ha="right")  # fmt: skip

    def save(fig: Any, ax: Any, name: str, ylabel: str, title: str) -> Path:
        ax.set(xscale="log", xlabel="FAQ entries", ylabel=ylabel, title=title)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7, loc="center left")
        fig.tight_layout()
        path = out_dir / name
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, [s.latency.p50_ms for s in r.sizes], marker="o", label="p50")
    ax.plot(xs, [s.latency.p99_ms for s in r.sizes], marker="x", linestyle=":", label="p99")
    target(ax, "p50_ratio", ref, "ms p50")
    latency = save(fig, ax, "scale_latency.png", "ms per question", "Query latency (fresh process)")

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, [s.peak_rss_mb for s in r.sizes], marker="o", label="peak RSS (VmHWM)")
    ax.plot(xs, [s.rss_mb for s in r.sizes], marker="x", linestyle=":", label="RSS after the queries")
    ax.plot(xs, [s.disk_mb for s in r.sizes], marker="s", linestyle="-.", label="index on disk")
    target(ax, "peak_rss_mb", 1.0, "MB")
    rss = save(fig, ax, "scale_rss.png", "MB", "Memory of a serving process, index size")

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, [s.build_s for s in r.sizes], marker="o", label="build (synthetic sizes: predicted)")
    other = [s.build_s - s.embed_s for s in r.sizes]
    ax.plot(xs, other, marker="x", linestyle=":", label="without embedding")
    ax.set_yscale("log")
    target(ax, "build_s", 1.0, "s")
    build = save(fig, ax, "scale_build.png", "seconds", "Index build")
    return [latency, rss, build]
