"""The soak, short: 600 requests at concurrency 16 with ratings and a build switch mid-way.

CI runs this bounded version (well under a minute of traffic); `faqbot bench soak` is the full
one (20,000 requests, a real `faqbot publish`). It fails on any 5xx or failed request, a rating
acknowledged but not stored, an answered request not recorded, or a switch the server missed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bench.questions import distinct_questions, question_pool
from bot.bench.server import serve
from bot.bench.soak import SoakConfig, SoakReport, private_index, run_soak
from bot.bench.soak_report import misses, soak_markdown
from bot.engine import Engine
from bot.settings import Settings

pytestmark = pytest.mark.slow


def test_a_short_soak_loses_nothing_and_switches_builds(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    env = {
        "FAQBOT_DATA_DIR": str(settings.data_dir),
        "FAQBOT_INDEX_DIR": str(private_index(settings.index_dir, tmp_path / "index")),
        "FAQBOT_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3"),
        "FAQBOT_LLM_BASE_URL": "",
        "OMP_NUM_THREADS": "1",
    }
    # "copy": a new build made current without a rebuild, so the switch happens inside this run.
    cfg = SoakConfig(env=env, requests=600, concurrency=16, feedback_every=10, publish="copy", rss_mark=150)
    stages: list[str] = []
    with serve(env) as server:
        report = run_soak(server, distinct_questions(600, question_pool()), cfg, stages.append)

    assert report.requests == 600 and report.statuses == {"200": 600}, report.statuses
    assert report.server_errors == 0 and not report.stopped_early
    assert report.feedback_sent == report.feedback_acked == report.feedback_rows == 60
    assert report.feedback_lost == 0 and report.recorded_requests == 600
    p = report.publish
    assert p is not None and p.ok and p.at_request == 300
    assert p.switched and p.build_after != p.build_before and p.build_after is not None
    assert report.rss_mb["at_150"] > 100 and report.growth is not None
    # Connections come and go; a leak would add ~a descriptor per request (600 here).
    assert report.open_files["end"] < report.open_files["at_150"] + 50, report.open_files
    assert report.latency is not None and report.latency.n == 600
    assert "waiting for the publish to finish" in stages
    markdown = soak_markdown(report)
    assert "ratings sent / stored / lost | 60 / 60 / 0" in markdown and "switched" in markdown


def test_misses_name_each_failure() -> None:
    report = SoakReport(
        requests=10,
        statuses={"200": 8, "503": 1, "transport_error:ReadTimeout": 1},
        server_errors=2,
        feedback_sent=3,
        feedback_acked=3,
        feedback_rows=2,
        feedback_lost=1,
        growth=0.2,
    )
    missed = " ".join(misses(report))
    assert "2 server errors" in missed and "1 acknowledged ratings missing" in missed
    assert "RSS grew 20.0%" in missed
