"""`faqbot bench soak`: a long run of mixed traffic against a real server, with a publish mid-way.

N chat requests (distinct questions, so no cache answers them) at a fixed concurrency from an
async httpx client, a rating sent for every k-th answered request, and one index publish once
half of the requests are done. At the end: every status counted (the target is no 5xx and no
failed request), every acknowledged rating looked up in the database (none may be lost), every
answered request recorded, the build that answered before and after the publish, and the
server's RSS and open files at a mark (5,000 requests in the full run) and at the end (RSS
growth under 10%).

The server answers from a private copy of the index, so the publish never touches the user's.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx
from sqlalchemy import text

from bot.bench.server import RunningServer
from bot.bench.stats import Latency

PublishMode = Literal["publish", "index", "copy", "none"]


@dataclass(frozen=True)
class SoakConfig:
    env: dict[str, str]  # FAQBOT_DATA_DIR, FAQBOT_INDEX_DIR (a private copy), FAQBOT_FEEDBACK_DB
    requests: int = 20_000
    concurrency: int = 32
    feedback_every: int = 10  # a rating for every k-th answered request
    publish: PublishMode = "publish"  # `faqbot publish --force`, `faqbot index`, or a copied build
    rss_mark: int = 5_000  # RSS is read here and at the end (a quarter of the run when shorter)
    timeout_s: float = 30.0  # per request
    max_seconds: float = 7_200.0  # the whole run stops here, finished or not


@dataclass
class PublishResult:
    mode: str
    at_request: int = 0
    seconds: float = 0.0
    ok: bool = False
    detail: str = ""
    build_before: str | None = None
    build_after: str | None = None
    switched: bool = False  # the server answered from the new build afterwards
    switch_seconds: float | None = None  # publish finished -> /readyz names the new build


@dataclass
class SoakReport:
    requests: int = 0
    seconds: float = 0.0
    req_per_s: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)  # "200", "503", "transport_error", ...
    server_errors: int = 0  # 5xx and transport errors
    latency: Latency | None = None
    feedback_sent: int = 0
    feedback_acked: int = 0
    feedback_rows: int = 0
    feedback_lost: int = 0
    recorded_requests: int = 0
    unrecorded_requests: int = 0
    publish: PublishResult | None = None
    rss_mb: dict[str, float] = field(default_factory=dict)
    growth: float | None = None
    open_files: dict[str, int] = field(default_factory=dict)  # the server's file descriptors
    stopped_early: bool = False


def open_files(server: RunningServer) -> int:
    """File descriptors the serving processes hold: a leak (sockets, database files) shows here."""
    return sum(len(list(Path(f"/proc/{pid}/fd").iterdir())) for pid in server.worker_pids())


def private_index(index_dir: Path, into: Path) -> Path:
    """A copy of the current build (and CURRENT) for the server and the publish to work on."""
    from bot.index.pointer import read_current

    name = read_current(index_dir)
    if name is None:
        raise FileNotFoundError(f"no index in {index_dir}: run `faqbot index` first")
    into.mkdir(parents=True, exist_ok=True)
    shutil.copytree(index_dir / name, into / name)
    (into / "CURRENT").write_text(name + "\n", encoding="utf-8")
    return into


def _publish_command(mode: PublishMode) -> list[str] | None:
    if mode == "publish":
        return [sys.executable, "-m", "bot", "publish", "--force", "--json"]
    if mode == "index":
        return [sys.executable, "-m", "bot", "index"]
    return None


def _copy_build(index_dir: Path) -> None:
    """A publish without a rebuild: the current build under a new name, made current atomically."""
    from bot.index.pointer import index_lock, make_current, read_current

    name = read_current(index_dir)
    assert name is not None
    copy = f"{name}-soak{int(time.time())}"
    shutil.copytree(index_dir / name, index_dir / copy)
    with index_lock(index_dir, wait=True):
        make_current(index_dir, copy)


def _outcome(output: str) -> str:
    """What the publish said: its record's message (--json), else its last line."""
    start = output.find("{")
    try:
        message = json.loads(output[start:]).get("message") if start >= 0 else None
    except ValueError:
        message = None
    lines = output.strip().splitlines()
    return str(message or (lines[-1] if lines else ""))[:300]


async def _serving_build(client: httpx.AsyncClient) -> str | None:
    r = await client.get("/readyz")
    build = r.json().get("build") if r.status_code == 200 else None
    return str(build) if build else None


async def _run_publish(
    cfg: SoakConfig, client: httpx.AsyncClient, result: PublishResult, deadline: float
) -> None:
    result.build_before = await _serving_build(client)
    started = time.perf_counter()
    index_dir = Path(cfg.env["FAQBOT_INDEX_DIR"])
    command = _publish_command(cfg.publish)
    if command is None:
        await asyncio.to_thread(_copy_build, index_dir)
        result.ok = True
    else:
        import os

        env = {**os.environ, **cfg.env, "OMP_NUM_THREADS": "1"}
        proc = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        out, _ = await proc.communicate()
        result.ok = proc.returncode == 0
        result.detail = _outcome(out.decode(errors="replace"))
    result.seconds = round(time.perf_counter() - started, 2)
    finished = time.perf_counter()
    while result.ok and time.monotonic() < deadline:
        build = await _serving_build(client)
        if build and build != result.build_before:
            result.build_after, result.switched = build, True
            result.switch_seconds = round(time.perf_counter() - finished, 2)
            return
        if time.perf_counter() - finished > 60:
            break
        await asyncio.sleep(0.2)
    result.build_after = await _serving_build(client)


async def _drive(
    server: RunningServer, questions: list[str], cfg: SoakConfig, progress: Callable[[str], None]
) -> tuple[SoakReport, list[str], list[str]]:
    report = SoakReport()
    statuses: Counter[str] = Counter()
    times: list[float] = []
    answered: list[str] = []
    rated: list[str] = []
    mark = cfg.rss_mark if cfg.requests >= 2 * cfg.rss_mark else max(1, cfg.requests // 4)
    publish = PublishResult(mode=cfg.publish)
    publish_at = cfg.requests // 2 if cfg.publish != "none" else None
    tasks: list[asyncio.Task[None]] = []
    counter, done = itertools.count(), 0
    deadline = time.monotonic() + cfg.max_seconds
    pool = cfg.concurrency + 2  # and the publish's /readyz polls
    limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=server.url, timeout=cfg.timeout_s, limits=limits) as client:

        async def worker() -> None:
            nonlocal done
            while (i := next(counter)) < cfg.requests and time.monotonic() < deadline:
                if i == publish_at:
                    publish.at_request = i
                    tasks.append(asyncio.create_task(_run_publish(cfg, client, publish, deadline)))
                t = time.perf_counter()
                try:
                    r = await client.post("/api/chat", json={"question": questions[i]})
                    statuses[str(r.status_code)] += 1
                except httpx.HTTPError as exc:
                    statuses[f"transport_error:{type(exc).__name__}"] += 1
                    continue
                finally:
                    done += 1
                    if done == mark:
                        report.rss_mb[f"at_{mark}"] = round(server.rss_mb(), 1)
                        report.open_files[f"at_{mark}"] = open_files(server)
                    if done % 1000 == 0:
                        progress(f"{done}/{cfg.requests} requests")
                times.append((time.perf_counter() - t) * 1000)
                if r.status_code == 200:
                    request_id = r.json()["request_id"]
                    answered.append(request_id)
                    if len(answered) % cfg.feedback_every == 0:
                        await _rate(client, request_id, len(answered), report, rated, statuses)

        await asyncio.gather(*(worker() for _ in range(cfg.concurrency)))
        report.seconds = round(time.perf_counter() - started, 2)
        report.rss_mb["end"] = round(server.rss_mb(), 1)
        report.open_files["end"] = open_files(server)
        if tasks:
            progress("waiting for the publish to finish")
            await asyncio.gather(*tasks)
            report.publish = publish
    report.requests = done
    report.stopped_early = done < cfg.requests
    report.statuses = dict(sorted(statuses.items()))
    report.server_errors = sum(n for s, n in statuses.items() if not s.isdigit() or int(s) >= 500)
    report.req_per_s = round(done / report.seconds, 2) if report.seconds else 0.0
    report.latency = Latency.of(times) if times else None
    start = report.rss_mb.get(f"at_{mark}")
    report.growth = round(report.rss_mb["end"] / start - 1, 4) if start else None
    return report, answered, rated


async def _rate(
    client: httpx.AsyncClient,
    request_id: str,
    n: int,
    report: SoakReport,
    rated: list[str],
    statuses: Counter[str],
) -> None:
    body = {"request_id": request_id, "rating": "up" if n % 2 else "down", "comment": f"soak {n}"}
    report.feedback_sent += 1
    try:
        r = await client.post("/api/feedback", json=body)
    except httpx.HTTPError as exc:
        statuses[f"feedback_transport_error:{type(exc).__name__}"] += 1
        return
    if r.status_code == 201:
        report.feedback_acked += 1
        rated.append(request_id)
    else:
        statuses[f"feedback_{r.status_code}"] += 1


def _stored(env: dict[str, str], table: str, ids: list[str]) -> int:
    """How many of `ids` the server's database holds in `table`."""
    from bot.serving.feedback.database import database_url, make_engine

    sqlite_file = Path(env.get("FAQBOT_FEEDBACK_DB", "feedback.sqlite3"))
    engine = make_engine(database_url(env.get("FAQBOT_DATABASE_URL"), sqlite_file))
    try:
        with engine.connect() as conn:
            stored = {row[0] for row in conn.execute(text(f"SELECT request_id FROM {table}"))}
    finally:
        engine.dispose()
    return len(set(ids) & stored)


def run_soak(
    server: RunningServer, questions: list[str], cfg: SoakConfig, progress: Callable[[str], None] = print
) -> SoakReport:
    """Drive `server` (started with cfg.env) with `questions` (at least cfg.requests distinct ones)."""
    if len(questions) < cfg.requests:
        raise ValueError(f"{cfg.requests} requests need as many distinct questions, got {len(questions)}")
    # A thread of its own: the caller may already run an event loop (a notebook, Playwright's).
    with ThreadPoolExecutor(1) as pool:
        report, answered, rated = pool.submit(asyncio.run, _drive(server, questions, cfg, progress)).result()
    report.feedback_rows = _stored(cfg.env, "feedback", rated)
    report.feedback_lost = report.feedback_acked - report.feedback_rows
    report.recorded_requests = _stored(cfg.env, "requests", answered)
    report.unrecorded_requests = len(answered) - report.recorded_requests
    return report
