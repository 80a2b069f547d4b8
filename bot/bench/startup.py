"""Cold start and peak memory of a fresh process, and the time an index build takes."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.engine import Engine
from bot.index import build_index, data_fingerprint
from bot.index.negatives import load_negatives
from bot.ingest import load_entries
from bot.text.analyzer import Analyzer
from bot.text.synonyms import Synonyms

# A fresh interpreter, so the figures are not flattered by this process's warm caches.
_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from bot.settings import Settings
from bot.wiring import open_engine
from bot.answering.service import AnswerService
from bot.bench.stats import peak_rss_mb
s = Settings(data_dir=sys.argv[1], index_dir=sys.argv[2])
eng = open_engine(s, serving=True)
AnswerService.from_settings(eng, s).answer(sys.argv[3])
t1 = time.perf_counter()
for q in json.loads(sys.argv[4]):
    eng.retrieve(q)
print(json.dumps({"cold_start_s": t1 - t0, "peak_rss_mb": peak_rss_mb()}))
"""


def cold_start(data_dir: Path, index_dir: Path, questions: list[str]) -> dict[str, float]:
    args = [str(data_dir), str(index_dir), questions[0], json.dumps(questions[:50])]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, check=True, timeout=300
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return {k: round(v, 3) for k, v in result.items()}


def build_time(engine: Engine, data_dir: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        build_index(
            load_entries(data_dir),
            Analyzer(Synonyms.load(data_dir)),
            engine.embedder,
            Path(tmp),
            data_fingerprint(data_dir),
            negatives=load_negatives(data_dir),
        )
        return round(time.perf_counter() - t, 2)
