"""The swap under load: 8 clients hammer a real server on 127.0.0.1 while `faqbot publish` runs.

Zero failed requests, every reply from the old build or the new one (X-FAQ-Build), both seen,
and the new one answering within 5 s of CURRENT changing. Figures are printed (run with -s) and
recorded in docs/PUBLISH.md.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.bench.server import serve
from bot.index.pointer import read_current
from bot.index.store import CURRENT_FILE
from bot.ingest import load_entries

pytestmark = pytest.mark.slow
AddPhrasing = Callable[[Path, int, str], None]
CLIENTS = 8
MAX_LOAD_S = 600.0  # the bound on the loop, whatever happens
AFTER_SWAP_S = 3.0  # keep the load on this long after the new build first answers


@dataclass(frozen=True)
class Sample:
    started: float
    ended: float
    status: int  # 0: no HTTP response at all
    build: str | None
    error: str = ""


def _client_loop(
    url: str, questions: list[str], offset: int, stop: threading.Event, out: list[Sample]
) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        i = offset
        while not stop.is_set():
            question = questions[i % len(questions)]
            i += CLIENTS
            started = time.time()
            try:
                r = client.post("/api/chat", json={"question": question})
                build = r.headers.get("x-faq-build")
                out.append(
                    Sample(started, time.time(), r.status_code, build, "" if r.is_success else r.text[:200])
                )
            except httpx.HTTPError as exc:
                out.append(Sample(started, time.time(), 0, None, repr(exc)))


def test_no_request_fails_while_a_publish_switches_the_build(
    publish_dirs: tuple[Path, Path], add_phrasing: AddPhrasing, tmp_path: Path
) -> None:
    data, index = publish_dirs
    old = read_current(index)
    # FAQ questions (many distinct texts, so replies come from retrieval, not only the reply cache).
    questions = [e.question for e in load_entries(data)]
    env = {
        "FAQBOT_DATA_DIR": str(data),
        "FAQBOT_INDEX_DIR": str(index),
        "FAQBOT_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3"),
        "FAQBOT_LLM_BASE_URL": "",
        "OMP_NUM_THREADS": "1",
    }
    with serve(env) as server:
        samples: list[list[Sample]] = [[] for _ in range(CLIENTS)]
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=_client_loop, args=(server.url, questions, k, stop, samples[k]), daemon=True
            )
            for k in range(CLIENTS)
        ]
        load_started = time.time()
        for t in threads:
            t.start()
        try:
            time.sleep(2.0)  # the old build under load first
            add_phrasing(data, 46, "稼働率の保証値はどこで確認できる？")
            publish_env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")} | env
            t0 = time.time()
            published = subprocess.run(
                [sys.executable, "-m", "bot", "publish"],
                env=publish_env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=MAX_LOAD_S,
            )
            publish_s = time.time() - t0
            assert published.returncode == 0, published.stderr[-2000:] + published.stdout
            new = read_current(index)
            assert new is not None and new != old
            swapped_at = (index / CURRENT_FILE).stat().st_mtime
            deadline = time.time() + 30
            while not any(s.build == new for k in samples for s in k) and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(AFTER_SWAP_S)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        assert time.time() - load_started < MAX_LOAD_S

    every = sorted((s for k in samples for s in k), key=lambda s: s.started)
    failed = [s for s in every if s.status != 200]
    builds = {s.build for s in every}
    first_new = min(s.ended for s in every if s.build == new)
    late_old = [s for s in every if s.build == old and s.started > swapped_at + 5.0]
    in_flight_old = [s for s in every if s.build == old and s.ended > first_new]
    during = [s.ended - s.started for s in every if t0 <= s.started <= swapped_at]
    swap_s = first_new - swapped_at
    load_s = every[-1].ended - every[0].started
    print(
        f"\nswap under load: {len(every)} requests from {CLIENTS} clients in {load_s:.1f} s, "
        f"{len(failed)} failed; publish (CLI, build + gate + swap) {publish_s:.1f} s; "
        f"CURRENT -> first reply from the new build {swap_s:.2f} s; "
        f"{len(in_flight_old)} replies finished on the old build after that (in flight); "
        f"latency during the publish p50 {statistics.median(during) * 1000:.0f} ms, "
        f"max {max(during) * 1000:.0f} ms; builds {sorted(b or '-' for b in builds)}"
    )
    assert not failed, failed[:5]
    assert builds == {old, new}
    assert swap_s < 5.0
    assert not late_old, late_old[:3]
