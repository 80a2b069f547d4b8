"""`faqbot bench load`: the real server under a real load generator, beside the bare embedder.

One run measures, in this order and on the same machine minutes apart: the bare embedder and the
in-process answer (the bounds a server can approach), the server at each concurrency, the server
at concurrency 1 with one core burnt by a process the bench owns, the first streamed event with
an LLM that answers after 2 s, start-up to ready, and memory as requests accumulate.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bot.answering.service import AnswerService
from bot.bench.burner import busy_cores
from bot.bench.questions import distinct_questions, question_pool
from bot.bench.server import RunningServer, serve
from bot.bench.slow_llm import slow_llm
from bot.bench.stats import Latency
from bot.bench.wrk import LoadResult, chat_bodies, run_wrk
from bot.embedders.base import Embedder
from bot.engine import Engine


@dataclass(frozen=True)
class LoadConfig:
    env: dict[str, str]  # FAQBOT_* for the server (index, data, feedback database)
    seconds: float = 20.0  # per concurrency level
    concurrencies: tuple[int, ...] = (1, 8, 32)
    workers: int = 1
    memory_requests: int = 10_000  # RSS is read at half and at all of these
    stream_requests: int = 10
    stream_arrivals_per_s: float = 8.0  # with a 2 s LLM: about 16 replies in flight
    llm_chats: int = 16  # sent at once, each waiting for the slow LLM
    llm_delay_s: float = 2.0


@dataclass
class LoadReport:
    workers: int
    embedder: dict[str, float] = field(default_factory=dict)  # questions/s by way of calling it
    in_process: Latency | None = None
    load: list[LoadResult] = field(default_factory=list)
    busy: LoadResult | None = None
    first_event: Latency | None = None
    first_event_in_flight: Latency | None = None  # streams arriving while others wait for the LLM
    llm_chats_s: float = 0.0  # wall time of `llm_chats` concurrent /api/chat written by the slow LLM
    llm_chats: int = 0
    llm_delay_s: float = 0.0
    ready_s: float = 0.0
    rss_mb: dict[str, float] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)


def embedder_throughput(embedder: Embedder, questions: list[str], parallel: int) -> dict[str, float]:
    """Questions/s embedding one question per call: sequentially, and from `parallel` threads."""
    for q in questions[:5]:
        embedder.embed_queries([q])
    t = time.perf_counter()
    for q in questions:
        embedder.embed_queries([q])
    sequential = len(questions) / (time.perf_counter() - t)
    chunks = [questions[i::parallel] for i in range(parallel)]
    threads = [threading.Thread(target=lambda c=c: [embedder.embed_queries([q]) for q in c]) for c in chunks]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    concurrent = len(questions) / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(0, len(questions), 8):
        embedder.embed_queries(questions[i : i + 8])
    batched = len(questions) / (time.perf_counter() - t)
    return {
        "sequential": round(sequential, 2),
        "parallel": round(concurrent, 2),
        "batch_of_8": round(batched, 2),
    }


def in_process_latency(service: AnswerService, questions: list[str]) -> Latency:
    for q in questions[:5]:
        service.answer(q)
    times = []
    for q in questions:
        t = time.perf_counter()
        service.answer(q)
        times.append((time.perf_counter() - t) * 1000)
    return Latency.of(times)


def first_event_latency(server_url: str, questions: list[str]) -> Latency:
    """Milliseconds from sending a streamed request to its first SSE event."""
    times = []
    with httpx.Client(timeout=30.0) as client:
        for q in questions:
            t = time.perf_counter()
            with client.stream("POST", server_url + "/api/chat/stream", json={"question": q}) as resp:
                resp.raise_for_status()
                lines = resp.iter_lines()
                for line in lines:
                    if line.startswith("event:") or line.startswith("data:"):
                        times.append((time.perf_counter() - t) * 1000)
                        break
                for _ in lines:  # let the reply finish, as a browser would
                    pass
    return Latency.of(times)


def first_event_in_flight(
    server_url: str, questions: list[str], per_second: float, seconds: float
) -> Latency:
    """First SSE event of streams that arrive at a steady rate while earlier ones wait for the LLM.

    Open loop: a new stream starts every 1/per_second s whether or not the others are done, so
    with a 2 s LLM about 2 × per_second replies are in flight. What is timed is the wait for the
    `citations` event, which needs retrieval only and must not queue behind other replies' LLM calls.
    """
    count = max(1, int(per_second * seconds))
    times: list[float] = [0.0] * count
    failures: list[BaseException] = []

    def one(i: int, q: str) -> None:
        try:
            times[i] = first_event_latency(server_url, [q]).p50_ms
        except BaseException as exc:  # reported below: a failed stream must not pass unseen
            failures.append(exc)

    threads = []
    start = time.perf_counter()
    for i, q in enumerate(questions[:count]):
        time.sleep(max(0.0, start + i / per_second - time.perf_counter()))
        th = threading.Thread(target=one, args=(i, q))
        th.start()
        threads.append(th)
    for th in threads:
        th.join()
    if failures:
        raise RuntimeError(f"{len(failures)} of {count} streams failed: {failures[0]!r}")
    return Latency.of(times)


def concurrent_llm_chats(server_url: str, questions: list[str]) -> float:
    """Seconds for len(questions) /api/chat requests sent at once, each written by the slow LLM.

    With the LLM's delay d, the ideal is about d: the requests wait for it side by side. A pool
    that lets each wait hold a retrieval slot would take d × len(questions) / slots.
    """
    failures: list[str] = []

    def one(q: str) -> None:
        resp = httpx.post(server_url + "/api/chat", json={"question": q}, timeout=120.0)
        if resp.status_code != 200:
            failures.append(f"{resp.status_code}: {resp.text[:200]}")

    threads = [threading.Thread(target=one, args=(q,)) for q in questions]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if failures:
        raise RuntimeError(f"{len(failures)} of {len(questions)} chats failed: {failures[0]}")
    return round(time.perf_counter() - start, 2)


def memory_growth(
    server: RunningServer, bodies: list[str], total: int, seconds_per_step: float
) -> dict[str, float]:
    """RSS of the workers once half of `total` requests were served and once all were."""
    served, marks = 0, {}
    offset = 0
    while served < total:
        chunk = bodies[offset:] + bodies[:offset]
        result = run_wrk(server.url, "/api/chat", chunk, 8, seconds_per_step)
        if result.requests == 0:
            raise RuntimeError(f"the server at {server.url} answered nothing for {seconds_per_step} s")
        offset = (offset + result.requests) % len(bodies)
        served += result.requests
        if "half" not in marks and served >= total / 2:
            marks["half"], marks["half_requests"] = server.rss_mb(), float(served)
    marks["end"], marks["end_requests"] = server.rss_mb(), float(served)
    marks["growth"] = round(marks["end"] / marks["half"] - 1, 4)
    return marks


def run_load(
    engine: Engine, service: AnswerService, cfg: LoadConfig, progress: Callable[[str], None] = print
) -> LoadReport:
    """Minutes of work: `progress` hears of each stage as it starts."""
    report = LoadReport(workers=cfg.workers, llm_delay_s=cfg.llm_delay_s)
    progress("bare embedder and in-process answers")
    pool = question_pool()
    questions = distinct_questions(200, pool)
    pool_tail = distinct_questions(2_000, pool)[100:]  # for the LLM stages: a fresh server, new texts
    budget = getattr(engine.embedder, "budget", None)
    report.embedder = embedder_throughput(engine.embedder, questions, getattr(budget, "parallel_calls", 1))
    # Without the reply cache: a repeated run would otherwise time cache hits, not answers.
    uncached = AnswerService(engine, service.extractive, service.llm)
    report.in_process = in_process_latency(uncached, questions[:100])
    # The server sees questions the in-process runs did not (no warm caches of any kind).
    bodies = chat_bodies(distinct_questions(60_000, pool)[200:])
    progress(f"starting the server ({cfg.workers} worker(s))")
    with serve(cfg.env, workers=cfg.workers) as server:
        report.ready_s = round(server.started_s, 2)
        report.rss_mb["ready"] = round(server.rss_mb(), 1)
        run_wrk(server.url, "/api/chat", bodies[-400:], 4, 3)  # warm-up: every worker answers once
        for i, c in enumerate(cfg.concurrencies):
            progress(f"concurrency {c} for {cfg.seconds:.0f} s")
            report.load.append(run_wrk(server.url, "/api/chat", bodies[i * 5000 :], c, cfg.seconds))
        progress("concurrency 1 with one core busy")
        with busy_cores(1):
            report.busy = run_wrk(server.url, "/api/chat", bodies[20_000:], 1, cfg.seconds)
        if cfg.memory_requests:
            progress(f"{cfg.memory_requests} requests for the memory reading")
            report.rss_mb.update(memory_growth(server, bodies[25_000:], cfg.memory_requests, 10.0))
    progress("first streamed event with a slow LLM")
    # Questions the engine answers, so that each one really waits for the LLM (an abstention does not).
    warm_up = 5
    arrivals = int(2 * cfg.llm_delay_s * cfg.stream_arrivals_per_s)
    wanted = warm_up + cfg.stream_requests + arrivals + cfg.llm_chats
    answered = list(itertools.islice((q for q in pool_tail if engine.retrieve(q).answerable), wanted))
    with slow_llm(cfg.llm_delay_s) as llm_url:
        env = {**cfg.env, "FAQBOT_LLM_BASE_URL": llm_url, "FAQBOT_LLM_TIMEOUT": str(cfg.llm_delay_s + 10)}
        with serve(env, workers=1) as server:
            # As before the other stages: a fresh process's first requests load lazy state.
            first_event_latency(server.url, answered[:warm_up])
            answered = answered[warm_up:]
            report.first_event = first_event_latency(server.url, answered[: cfg.stream_requests])
            progress(f"streams arriving at {cfg.stream_arrivals_per_s:g}/s while others wait")
            rest = answered[cfg.stream_requests :]
            report.first_event_in_flight = first_event_in_flight(
                server.url, rest, cfg.stream_arrivals_per_s, 2 * cfg.llm_delay_s
            )
            if cfg.llm_chats:
                progress(f"{cfg.llm_chats} chats at once, each written by the slow LLM")
                chats = rest[-cfg.llm_chats :]
                report.llm_chats, report.llm_chats_s = len(chats), concurrent_llm_chats(server.url, chats)
    report.ratios = ratios(report)
    return report


def ratios(r: LoadReport) -> dict[str, float]:
    by_c = {x.concurrency: x for x in r.load}
    out: dict[str, float] = {}
    if 8 in by_c:
        out["c8_vs_embedder_sequential"] = by_c[8].req_per_s / r.embedder["sequential"]
        out["c8_vs_embedder_parallel"] = by_c[8].req_per_s / r.embedder["parallel"]
        out["c8_p99_vs_p50"] = by_c[8].p99_ms / by_c[8].p50_ms
    if 1 in by_c and r.in_process:
        out["c1_p50_vs_in_process"] = by_c[1].p50_ms / r.in_process.p50_ms
        if r.busy:
            out["busy_p50_vs_quiet"] = r.busy.p50_ms / by_c[1].p50_ms
    return {k: round(v, 3) for k, v in out.items()}


TARGETS = {
    "c8_vs_embedder_sequential": (">=", 0.8),
    "c8_p99_vs_p50": ("<=", 4.0),
    "c1_p50_vs_in_process": ("<=", 1.3),
    "busy_p50_vs_quiet": ("<=", 2.5),
}


def misses(r: LoadReport) -> list[str]:
    """The targets this run missed (empty when all are met), as readable lines."""
    out = []
    for name, (op, limit) in TARGETS.items():
        value = r.ratios.get(name)
        if value is not None and not (value >= limit if op == ">=" else value <= limit):
            out.append(f"{name} = {value} (target {op} {limit})")
    if any(x.errors for x in r.load) or (r.busy and r.busy.errors):
        out.append("errors under load: " + ", ".join(f"c{x.concurrency}: {x.errors}" for x in r.load))
    if r.first_event and r.first_event.p50_ms > 50:
        out.append(f"first SSE event p50 {r.first_event.p50_ms} ms (target <= 50 ms)")
    if r.llm_chats and r.llm_chats_s > 1.5 * r.llm_delay_s:
        limit = 1.5 * r.llm_delay_s
        out.append(f"{r.llm_chats} concurrent LLM chats took {r.llm_chats_s} s (target <= {limit:g} s)")
    busy_llm = r.first_event_in_flight
    if busy_llm and busy_llm.p50_ms > 50:
        out.append(f"first SSE event with replies in flight p50 {busy_llm.p50_ms} ms (target <= 50 ms)")
    if r.ready_s > 3:
        out.append(f"fresh process to ready {r.ready_s} s (target <= 3 s)")
    growth = r.rss_mb.get("growth")
    if growth is not None and growth > 0.10:
        out.append(f"RSS growth {growth:.1%} between the half and the end (target <= 10%)")
    return out
