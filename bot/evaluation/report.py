"""`faqbot eval --report DIR`: a markdown report with PNG charts."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bot.engine import Engine
from bot.evaluation.metrics import HEADLINE_METRICS, hit_at, mean
from bot.evaluation.runner import ItemResult, misses


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers
    import matplotlib.pyplot as plt

    for font in ("Noto Sans CJK JP", "IPAexGothic", "TakaoPGothic"):
        from matplotlib import font_manager

        if any(f.name == font for f in font_manager.fontManager.ttflist):
            plt.rcParams["font.family"] = font
            break
    return plt


def _bar_chart(path: Path, title: str, labels: list[str], series: dict[str, list[float]]) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(max(6.0, len(labels) * 0.9), 4))
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series.items()):
        ax.bar([x + i * width for x in range(len(labels))], values, width, label=name)
    ax.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(labels))])
    ax.set_xticklabels(labels, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _confidence_histogram(path: Path, results: list[ItemResult], threshold: float) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    ins = [r.confidence for r in results if r.expected]
    oos = [r.confidence for r in results if not r.expected]
    bins = [i / 20 for i in range(21)]
    ax.hist(ins, bins=bins, alpha=0.5, label=f"in scope (n={len(ins)})")
    # Drawn as an outline on top: the few out-of-scope questions above the threshold must stay visible.
    ax.hist(
        oos,
        bins=bins,
        histtype="step",
        linewidth=2.5,
        color="tab:orange",
        label=f"out of scope (n={len(oos)})",
    )
    ax.set_yscale("log")
    ax.axvline(threshold, color="red", linestyle="--", label=f"abstain threshold {threshold:.2f}")
    ax.set_xlabel("answer confidence")
    ax.set_ylabel("questions")
    ax.set_title("Confidence: in-scope vs out-of-scope")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _confusions(results: list[ItemResult]) -> list[tuple[tuple[int, int], int]]:
    """(expected, ranked-first-instead) pairs, most frequent first."""
    pairs: Counter[tuple[int, int]] = Counter()
    for r in results:
        if r.expected and r.ranked and r.ranked[0] not in r.expected:
            pairs[(r.expected[0], r.ranked[0])] += 1
    return pairs.most_common(10)


def write_report(out_dir: Path, summary: dict[str, Any], results: list[ItemResult], engine: Engine) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    kinds = [k for k, m in summary["by_kind"].items() if "recall@1" in m]
    _bar_chart(
        out_dir / "recall_by_kind.png",
        "Recall by question kind",
        kinds,
        {f"recall@{k}": [summary["by_kind"][kind][f"recall@{k}"] for kind in kinds] for k in (1, 3)},
    )
    by_cat: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        if r.expected:
            by_cat[engine.entries[r.expected[0]].category].append(r)
    cats = sorted(by_cat)
    _bar_chart(
        out_dir / "recall_by_category.png",
        "Recall by category (of the first expected entry)",
        cats,
        {
            f"recall@{k}": [mean([hit_at(r.ranked, r.expected, k) for r in by_cat[c]]) for c in cats]
            for k in (1, 3)
        },
    )
    threshold = engine.retriever.decider.policies.for_language("ja").threshold
    _confidence_histogram(out_dir / "confidence.png", results, threshold)

    lines = [
        f"# faqbot retrieval report ({summary['retriever']})",
        "",
        f"{summary['n']} items: {summary['n_in_scope']} in scope, {summary['n_out_of_scope']} out of scope, "
        f"{summary['n_multi']} with several expected entries.",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {k} | {summary[k]:.3f} |" for k in HEADLINE_METRICS],
        "",
        "![recall by kind](recall_by_kind.png)",
        "",
        "![recall by category](recall_by_category.png)",
        "",
        "## Entries most often confused",
        "",
        "| expected | ranked first instead | times |",
        "|---|---|---|",
        *[
            f"| No.{a} {engine.entries[a].question[:30]} | No.{b} {engine.entries[b].question[:30]} | {n} |"
            for (a, b), n in _confusions(results)
        ],
        "",
        "## Answer / abstain",
        "",
        f"Threshold {threshold:.3f}. ![confidence](confidence.png)",
        "",
        "## Misses",
        "",
        "| id | question | expected | ranked | abstained |",
        "|---|---|---|---|---|",
        *[
            f"| {r.id} | {r.question[:50].replace('|', '/')} | {r.expected} | {r.ranked[:5]} "
            f"| {r.abstained} |"
            for r in misses(results)
        ],
    ]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
