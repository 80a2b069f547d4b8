"""The load benchmark as markdown and as a chart (throughput and latency per concurrency)."""

from __future__ import annotations

from pathlib import Path

from bot.bench.load import LoadReport, misses
from bot.bench.stats import markdown_table


def load_markdown(r: LoadReport) -> str:
    runs = [(f"c={x.concurrency}", x) for x in r.load] + ([("c=1, one core busy", r.busy)] if r.busy else [])
    rows = [[name, x.requests, x.req_per_s, x.p50_ms, x.p95_ms, x.p99_ms, x.errors] for name, x in runs]
    parts = [
        f"# Server under load ({r.workers} worker{'s' if r.workers > 1 else ''})\n",
        "Distinct questions, `wrk` on 127.0.0.1, extractive replies.\n",
        markdown_table(["", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"], rows),
        "\nBare embedder in the same run (questions/s): "
        + ", ".join(f"{k} {v}" for k, v in r.embedder.items())
        + (f"; in-process answer p50 {r.in_process.p50_ms} ms" if r.in_process else "")
        + ".\n",
        "\n" + markdown_table(["ratio", "value"], [[k, v] for k, v in r.ratios.items()]),
    ]
    if r.first_event:
        parts.append(f"\nFirst SSE event with an LLM answering after 2 s: p50 {r.first_event.p50_ms} ms, "
                     f"max over {r.first_event.n}: p99 {r.first_event.p99_ms} ms.\n")  # fmt: skip
    if r.first_event_in_flight:
        f = r.first_event_in_flight
        parts.append(f"With {f.n} streams arriving over 4 s while earlier ones wait for that LLM: "
                     f"p50 {f.p50_ms} ms, p95 {f.p95_ms} ms, max {f.p99_ms} ms.\n")  # fmt: skip
    if r.llm_chats:
        parts.append(f"{r.llm_chats} `/api/chat` requests at once, each waiting 2 s for that LLM: "
                     f"all answered in {r.llm_chats_s} s.\n")  # fmt: skip
    rss = ", ".join(f"{k} {v:.0f}" for k, v in r.rss_mb.items() if k != "growth")
    growth = f"; growth half→end {r.rss_mb['growth']:.1%}" if "growth" in r.rss_mb else ""
    parts.append(f"\nFresh process to /readyz 200: {r.ready_s} s. RSS (MB, requests): {rss}{growth}.\n")
    missed = misses(r)
    parts.append("\n**Targets missed:** " + "; ".join(missed) + "\n" if missed else "\nAll targets met.\n")
    return "".join(parts)


def load_chart(reports: list[LoadReport], path: Path) -> Path:
    """Throughput and p50/p99 by concurrency, one line per worker count, embedder bound dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_l) = plt.subplots(1, 2, figsize=(10, 4))
    for r in reports:
        cs = [x.concurrency for x in r.load]
        ax_t.plot(cs, [x.req_per_s for x in r.load], marker="o", label=f"{r.workers} worker(s)")
        ax_l.plot(cs, [x.p50_ms for x in r.load], marker="o", label=f"p50, {r.workers} worker(s)")
        p99 = [x.p99_ms for x in r.load]
        ax_l.plot(cs, p99, marker="x", linestyle=":", label=f"p99, {r.workers} worker(s)")
    if reports:
        bound = reports[0].embedder["sequential"]
        ax_t.axhline(bound, linestyle="--", color="grey", label="bare embedder, sequential")
        ax_t.axhline(0.8 * bound, linestyle=":", color="red", label="target: 0.8 x embedder")
    ax_t.set(xscale="log", xlabel="concurrent connections", ylabel="requests / s", title="Throughput")
    ax_l.set(xscale="log", yscale="log", xlabel="concurrent connections", ylabel="ms", title="Latency")
    for ax in (ax_t, ax_l):
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
