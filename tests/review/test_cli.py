"""`faqbot review …`: the CLI twins of the review API, on a private database and a copy of data/."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.serving.feedback import RequestRecord, SqlFeedbackStore, database_url

pytestmark = pytest.mark.slow
CANTEEN = "社員食堂の今日のメニューを教えて"
WEATHER = "明日の東京の天気は？"


def ago(delta: timedelta) -> str:
    return (datetime.now(UTC) - delta).isoformat(timespec="milliseconds")


def seed(db: Path) -> dict[str, str]:
    store = SqlFeedbackStore(database_url(None, db))
    store.init()
    ids = {
        "c1": CANTEEN,
        "c2": CANTEEN,
        "c3": CANTEEN + "。",
        "w1": WEATHER,
        "w2": WEATHER,
        "p1": "ペットは？",
    }
    for n, (rid, question) in enumerate(ids.items()):
        top = ((43, 1.4), (2, 1.3), (19, 1.2)) if rid[0] == "c" else ((47, 1.6), (34, 1.2), (1, 1.2))
        store.record_request(
            RequestRecord(
                request_id=rid,
                kind="chat",
                question=question,
                reply="…",
                mode="abstain",
                created_at=ago(timedelta(hours=1) - timedelta(minutes=n)),
                top_entries=top if rid[0] != "p" else ((7, 1.0), (25, 0.9), (6, 0.8)),
            )
        )
    store.record_request(
        RequestRecord(
            request_id="ancient",
            kind="chat",
            question="古い質問",
            reply="…",
            mode="abstain",
            created_at=ago(timedelta(days=400)),
        )
    )
    store.engine.dispose()
    return ids


def test_list_accept_gap_dismiss_gaps_log_prune(engine: Engine, index_dir: Path, tmp_path: Path) -> None:
    import shutil

    from bot.settings import ROOT

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("feedback.sqlite3*"))
    db = tmp_path / "feedback.sqlite3"
    seed(db)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQBOT_")}
    env.update(
        FAQBOT_DATA_DIR=str(data),
        FAQBOT_INDEX_DIR=str(index_dir),
        FAQBOT_FEEDBACK_DB=str(db),
        PYTHONIOENCODING="utf-8",
        USER="cli-user",
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "review", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done

    view = json.loads(run("list", "--json").stdout)
    by_first = {c["members"][0]["request_id"]: c for c in view["clusters"]}
    assert by_first["c1"]["count"] == 3 and by_first["w1"]["count"] == 2
    assert by_first["ancient"]["count"] == 1  # not pruned yet
    assert view["log_questions"] is False
    text = run("list", "--kind", "abstain").stdout
    assert "c-c1  x3  [abstain 3]" in text and CANTEEN in text

    out = run("accept", "c-c1", "--no", "12").stdout
    assert "3 questions accepted for No.12; 2 new phrasings" in out
    rec = next(
        json.loads(x) for x in (data / "enrichment.jsonl").read_text("utf-8").splitlines() if '"no": 12,' in x
    )
    assert rec["alt_questions"][-2:] == [CANTEEN, CANTEEN + "。"]
    assert json.loads(run("gap", "c-w1", "--json").stdout)["request_ids"] == ["w1", "w2"]
    assert "1 questions dismissed" in run("dismiss", "p1").stdout

    gaps = tmp_path / "gaps.csv"
    run("gaps", "--csv", "--out", str(gaps))
    rows = list(csv.DictReader(gaps.open(encoding="utf-8-sig")))
    assert [(r["gap_id"], r["question"], r["count"], r["marked_by"]) for r in rows] == [
        ("c-w1", WEATHER, "2", "cli-user")
    ]
    log = run("log").stdout.splitlines()
    assert len(log) == 6 and "cli-user  dismiss  ペットは？" in log[0]

    assert "1 requests" in run("prune").stdout  # the 400-day-old question only
    left = json.loads(run("list", "--json").stdout)["clusters"]
    assert left == []
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "review", "accept", "c-nope", "--no", "12"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert bad.returncode == 1 and "nothing in the review queue has id 'c-nope'" in bad.stderr
