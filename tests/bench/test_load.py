"""The load benchmark, short: a real server under wrk, the bare embedder, a slow LLM, the busy run.

CI runs this bounded version; `faqbot bench load` is the full one. It fails when requests fail,
when the first streamed event waits for the LLM, or when the report loses a section.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.service import AnswerService
from bot.bench.load import LoadConfig, run_load
from bot.bench.load_report import load_chart, load_markdown
from bot.bench.questions import distinct_questions, question_pool
from bot.bench.wrk import wrk_available
from bot.engine import Engine
from bot.settings import Settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not wrk_available(), reason="wrk is not installed (apt-get install wrk)"),
]


def test_distinct_questions_never_repeat() -> None:
    pool = question_pool()
    many = distinct_questions(3 * len(pool) + 5, pool)
    assert len(many) == len(set(many)) == 3 * len(pool) + 5


def test_a_short_load_run_answers_everything_and_streams_before_the_llm(
    engine: Engine, service: AnswerService, settings: Settings, tmp_path: Path
) -> None:
    env = {
        "FAQBOT_DATA_DIR": str(settings.data_dir),
        "FAQBOT_INDEX_DIR": str(settings.index_dir),
        "FAQBOT_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3"),
    }
    cfg = LoadConfig(
        env=env,
        seconds=2,
        concurrencies=(1, 4),
        memory_requests=60,
        stream_requests=2,
        stream_arrivals_per_s=4,
        llm_chats=12,
    )
    stages: list[str] = []
    report = run_load(engine, service, cfg, stages.append)

    assert [x.concurrency for x in report.load] == [1, 4]
    assert all(x.requests > 0 and x.errors == 0 for x in report.load)
    assert report.busy is not None and report.busy.errors == 0
    assert report.embedder["sequential"] > 0 and report.in_process is not None
    # The citations event goes out before the LLM (2 s here) has said a word.
    assert report.first_event is not None and report.first_event.p99_ms < cfg.llm_delay_s * 1000
    # ... also while other replies wait for it: their waits must not hold the retrieval slots.
    in_flight = report.first_event_in_flight
    assert in_flight is not None and in_flight.n == 16 and in_flight.p50_ms < cfg.llm_delay_s * 1000
    # 12 chats through 4 slots, each wait holding one, would take 3 × 2 s.
    slots = settings.answer_threads
    assert report.llm_chats == 12 and report.llm_chats_s < 0.75 * (12 / slots) * cfg.llm_delay_s
    assert report.rss_mb["end_requests"] >= 60 and report.rss_mb["end"] > 100
    assert {"c8_vs_embedder_sequential", "c1_p50_vs_in_process", "busy_p50_vs_quiet"} - set(
        report.ratios
    ) == {"c8_vs_embedder_sequential"}  # no c=8 level in this short run
    assert len(stages) >= 5

    markdown = load_markdown(report)
    assert "c=4" in markdown and "one core busy" in markdown and "First SSE event" in markdown
    chart = load_chart([report], tmp_path / "load.png")
    assert chart.stat().st_size > 10_000
