"""Measure the support check against real instruction-following models.

Two steps, so the slow part runs once:

    # 1. ask a real model (llama-cpp-python's server on 127.0.0.1) and keep its raw replies
    python scripts/support_sweep.py ask --model qwen1.5b.gguf --name qwen1.5b --n 30 --out qwen.jsonl
    # 2. judge every reply with the citation guard and the support check; with --labels (a JSONL
    #    of {"id", "sentence", "supported": bool} written by someone who read the entries), also
    #    count unsupported claims delivered and supported sentences wrongly dropped
    python scripts/support_sweep.py judge runs/qwen.jsonl [--labels labels.jsonl] [--json]

Questions: in-scope items of data/calibration_multi.jsonl (written by an author who never saw
the eval set), every n-th so all languages and entries are spread. On 2 cores the 1.5B model
takes tens of seconds a reply: 30 questions are ~20-40 minutes.
Needs: pip install "llama-cpp-python[server]==0.3.36"; a GGUF (see ../shared/DESIGN.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import openai
from real_llm_check import free_port, start_server, stop_server, wait_ready

from bot.answering import guard
from bot.answering.generator import OpenAIGenerator
from bot.answering.llm import best_entries
from bot.answering.prompts import PromptSet
from bot.answering.service import AnswerService
from bot.answering.support import SupportChecker
from bot.evaluation.dataset import load_items
from bot.settings import ROOT, get_settings
from bot.wiring import open_engine

QUESTIONS = ROOT / "data" / "calibration_multi.jsonl"


def ask(args: argparse.Namespace) -> int:
    settings = get_settings()
    items = [i for i in load_items(args.questions) if i.expected]
    step = max(1, len(items) // args.n)
    items = items[::step][: args.n]
    port = free_port()
    proc = start_server(args.model, port, Path(f"/tmp/faqbot-sweep-{args.name}.log"))
    base_url = f"http://127.0.0.1:{port}/v1"
    engine = open_engine(settings)
    generator = OpenAIGenerator(base_url, args.name, timeout=args.timeout, max_tokens=args.max_tokens)
    service = AnswerService.build(engine, settings, generator)
    client = openai.OpenAI(base_url=base_url, api_key="not-needed", timeout=args.timeout, max_retries=0)
    assert service.llm is not None
    out = args.out.open("w", encoding="utf-8")
    try:
        wait_ready(base_url, proc, seconds=600)
        for n, item in enumerate(items, 1):
            retrieval = engine.retrieve(item.question, k=5)
            if not retrieval.answerable:
                row: dict[str, Any] = {"id": item.id, "question": item.question, "answerable": False}
            else:
                started = time.perf_counter()
                # The raw completion, also when cut at max_tokens (the writer refuses those as
                # too_long; the support check is measured on every sentence a model wrote).
                try:
                    response = client.chat.completions.create(
                        model=args.name,
                        messages=service.llm.messages(retrieval),  # type: ignore[arg-type]
                        max_tokens=args.max_tokens,
                        temperature=0.1,
                    )
                except openai.OpenAIError as exc:  # a timeout on a loaded machine: note it, go on
                    print(f"[{n}/{len(items)}] {item.id}: {exc}", file=sys.stderr)
                    continue
                text = response.choices[0].message.content or ""
                row = {
                    "id": item.id,
                    "question": item.question,
                    "language": retrieval.language,
                    "answerable": True,
                    "context": [h.no for h in service.llm.context(retrieval)],
                    "required": sorted(best_entries(retrieval)),
                    "raw": text.strip(),
                    "finish_reason": response.choices[0].finish_reason,
                    "guard": guard.check(
                        text, {h.no for h in service.llm.context(retrieval)}, best_entries(retrieval)
                    ).reason
                    or "ok",
                    "seconds": round(time.perf_counter() - started, 1),
                }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            print(
                f"[{n}/{len(items)}] {row.get('guard', 'abstain')} {row.get('seconds', '')}s", file=sys.stderr
            )
    finally:
        out.close()
        stop_server(proc)
    return 0


def judge(args: argparse.Namespace) -> int:
    settings = get_settings()
    engine = open_engine(settings)
    prompts = PromptSet(settings.prompts_dir)
    labels = prompts.render("entry", no="", question="", answer="")
    checker = SupportChecker(
        engine.entries, engine.analyzer, prompts.render("not_covered"), engine.embedder, labels
    )
    labels = _labels(args.labels) if args.labels else {}
    rows = [json.loads(line) for line in args.run.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: Counter[str] = Counter()
    items = []
    for row in rows:
        if not row.get("answerable"):
            counts["abstained"] += 1
            continue
        counts["asked"] += 1
        raw = row["raw"]
        allowed, required = set(row["context"]), set(row["required"])
        verdict = guard.check(raw, allowed, required) if raw else None
        if verdict is None or not verdict.ok:
            counts[f"guard:{verdict.reason if verdict else 'no_reply'}"] += 1
            continue
        support = checker.check(raw, verdict.cited, row["question"], row["language"])
        after = guard.check(support.kept, allowed, required) if support.usable else None
        delivered = after is not None and after.ok
        counts["delivered" if delivered else "fallback:unsupported_claim"] += 1
        for j in support.judgements:
            key = (row["id"], j.sentence.strip())
            if not key[1] or key not in labels:
                continue
            shipped = delivered and j.supported
            counts["labelled_sentences"] += 1
            if not labels[key]:
                counts["unsupported_total"] += 1
                counts["unsupported_delivered"] += int(shipped)
            else:
                counts["supported_total"] += 1
                counts["supported_dropped"] += int(not shipped)
        items.append(
            {
                "id": row["id"],
                "delivered": delivered,
                "dropped": [(j.reason, j.sentence.strip()) for j in support.dropped],
            }
        )
    summary = {"run": str(args.run), "counts": dict(counts), "items": items}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        for key, value in sorted(counts.items()):
            print(f"{key:32s} {value}")
    return 0


def _labels(path: Path) -> dict[tuple[str, str], bool]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[(row["id"], row["sentence"].strip())] = bool(row["supported"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="step", required=True)
    a = sub.add_parser("ask")
    a.add_argument("--model", type=Path, required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--n", type=int, default=30)
    a.add_argument("--questions", type=Path, default=QUESTIONS)
    a.add_argument("--timeout", type=float, default=240.0)
    a.add_argument("--max-tokens", type=int, default=200)
    a.add_argument("--out", type=Path, required=True)
    j = sub.add_parser("judge")
    j.add_argument("run", type=Path)
    j.add_argument("--labels", type=Path)
    j.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    return ask(args) if args.step == "ask" else judge(args)


if __name__ == "__main__":
    raise SystemExit(main())
