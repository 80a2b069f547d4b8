"""The LLM endpoint failing in every way we know, through the real server, streamed and not.

Each fault ends in the extractive reply with mode "fallback" and the fault's reason, in the reply
(`fallback_reason`, the SSE `done` event, /v1's `faqbot` object) and in the server's log, within
the configured timeout + 1 s; the server stays healthy and answers the next request with the LLM.
The endpoint is the scripted OpenAI-compatible server (tests/answering/scripted_llm.py): a real
HTTP server, so the real `openai` client, httpx and our deadline transport are exercised.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from answering.scripted_llm import Scripted, ScriptedLLM

from bot.answering.generator import OpenAIGenerator
from bot.engine import Engine
from bot.serving import create_app
from bot.settings import Settings

from .conftest import LogLines

pytestmark = pytest.mark.slow

TIMEOUT = 2.0  # FAQBOT_LLM_TIMEOUT for these servers
SLACK = 1.0  # the bound: a fallback within the timeout + 1 s
DISK = "Dドライブの容量を増やす手順を知りたい"
GOOD = "ディスク拡張時はサーバの停止・起動が伴います。[No.17] 拡張後はOS側で拡張作業が必要です。[No.17]"
ENGLISH = "Extending the disk requires stopping and starting the server. [No.17] Then extend it in the OS."
CHINESE = "扩展磁盘时需要停止并启动服务器。[No.17] 扩展后需要在操作系统中进行扩展。[No.17]"
Serve = Callable[..., AbstractContextManager[str]]


@dataclass(frozen=True)
class Fault:
    name: str
    reason: str
    plain: Scripted | None  # the script for /api/chat (None: the endpoint URL itself is the fault)
    streamed: Scripted | None = None  # for /api/chat/stream, when it differs
    streamed_reason: str | None = None

    def script(self, stream: bool) -> Scripted | None:
        return (self.streamed or self.plain) if stream else self.plain

    def expected(self, stream: bool) -> str:
        return (self.streamed_reason or self.reason) if stream else self.reason


SCRIPTED_FAULTS = [
    Fault("hang", "timeout", Scripted(delay=TIMEOUT + 5, content=GOOD)),
    # One byte a second from the status line on: no single read ever waits long enough to time out.
    Fault("drip", "timeout", Scripted(drip=1.0, content=GOOD)),
    # A stream whose pieces come faster than the read timeout, but never end.
    Fault(
        "stream-trickle",
        "timeout",
        Scripted(delay=TIMEOUT + 5, content=GOOD),
        Scripted(chunks=("ディスク拡張時は",) * 200, chunk_delay=TIMEOUT / 4),
    ),
    Fault("http-429", "http_error", Scripted(status=429)),
    Fault("http-500", "http_error", Scripted(status=500)),
    Fault("http-503", "http_error", Scripted(status=503)),
    Fault(
        "invalid-json",
        "malformed_response",
        Scripted(raw=b'{"choices": [{"message": '),
        Scripted(raw=b'data: {"choices": [{"delta": \n\n'),
    ),
    Fault("cut-mid-reply", "connection_error", Scripted(content=GOOD, cut_after=3), None, "incomplete_reply"),
    Fault("english-reply", "wrong_language", Scripted(content=ENGLISH)),
    Fault("chinese-reply", "wrong_language", Scripted(content=CHINESE)),
    Fault("100x-too-long", "too_long", Scripted(content=GOOD * 100)),
    Fault("stopped-at-max-tokens", "too_long", Scripted(content=GOOD, finish_reason="length")),
]


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"  # closed on return: nothing listens there


URL_FAULTS = [
    Fault("connection-refused", "connection_error", None),
    Fault("dns-failure", "connection_error", None),
]


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM() as server:
        yield server


def _settings(settings: Settings, base_url: str, db: Any) -> Settings:
    update = {
        "llm_base_url": base_url,
        "llm_timeout": TIMEOUT,
        "llm_model": "scripted",
        "rate_limit_per_minute": 0,
        "feedback_db": db,
    }
    return settings.model_copy(update=update)


@pytest.fixture(scope="module")
def url(
    llm: ScriptedLLM,
    settings: Settings,
    engine: Engine,
    serve: Serve,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("llm-faults") / "feedback.sqlite3"
    with serve(create_app(_settings(settings, llm.base_url, db), engine=engine)) as base:
        yield base


def ask(base: str, stream: bool) -> tuple[dict[str, Any], str, float]:
    """(the final reply as JSON, the text shown while streaming, seconds taken)."""
    started = time.monotonic()
    if not stream:
        r = httpx.post(f"{base}/api/chat", json={"question": DISK}, timeout=TIMEOUT + 30)
        assert r.status_code == 200, r.text
        return r.json(), "", time.monotonic() - started
    events = []
    with httpx.stream("POST", f"{base}/api/chat/stream", json={"question": DISK}, timeout=TIMEOUT + 30) as r:
        assert r.status_code == 200
        events = [json.loads(line[5:]) for line in r.iter_lines() if line.startswith("data:")]
    elapsed = time.monotonic() - started
    assert events[0]["type"] == "citations" and events[-1]["type"] == "done", events[-1]
    shown = "".join(e["text"] for e in events if e["type"] == "delta")
    done = events[-1]
    assert done["replaced"] == (done["reply"]["mode"] == "fallback")
    return {**done["reply"], "request_id": done["request_id"]}, shown, elapsed


def _assert_fell_back(reply: dict[str, Any], shown: str, elapsed: float, reason: str) -> None:
    assert reply["mode"] == "fallback" and reply["fallback_reason"] == reason, reply
    assert [c["no"] for c in reply["citations"]] == [17]  # the extractive reply's
    assert elapsed < TIMEOUT + SLACK, f"fell back after {elapsed:.2f} s"
    for foreign in ("Extending", "扩展"):
        assert foreign not in reply["text"] and foreign not in shown


def _assert_healthy(base: str, llm: ScriptedLLM | None) -> None:
    assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
    if llm is not None:
        llm.enqueue(Scripted(content=GOOD))
        reply, _, _ = ask(base, stream=False)
        assert reply["mode"] == "llm" and reply["text"].startswith(GOOD)


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("fault", SCRIPTED_FAULTS, ids=[f.name for f in SCRIPTED_FAULTS])
def test_scripted_fault_falls_back_in_time(
    url: str, llm: ScriptedLLM, server_logs: LogLines, fault: Fault, stream: bool
) -> None:
    llm.reset()
    script = fault.script(stream)
    assert script is not None
    llm.enqueue(script)
    reply, shown, elapsed = ask(url, stream)
    reason = fault.expected(stream)
    _assert_fell_back(reply, shown, elapsed, reason)
    assert llm.history and llm.history[0].get("stream", False) is stream
    access = server_logs.access(str(reply["request_id"]))
    assert access["status"] == 200 and access["mode"] == "fallback" and access["fallback_reason"] == reason
    assert f"replaced by the extractive one: {reason}" in server_logs.text
    _assert_healthy(url, llm)
    assert llm.pending == 0


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("fault", URL_FAULTS, ids=[f.name for f in URL_FAULTS])
def test_unreachable_endpoint_falls_back(
    settings: Settings,
    engine: Engine,
    serve: Serve,
    tmp_path: Any,
    server_logs: LogLines,
    fault: Fault,
    stream: bool,
) -> None:
    base_url = _dead_url() if fault.name == "connection-refused" else "http://faqbot-nonexistent.invalid/v1"
    app = create_app(_settings(settings, base_url, tmp_path / "f.sqlite3"), engine=engine)
    with serve(app) as base:
        reply, shown, elapsed = ask(base, stream)
        _assert_fell_back(reply, shown, elapsed, fault.reason)
        assert server_logs.access(str(reply["request_id"]))["fallback_reason"] == fault.reason
        _assert_healthy(base, None)
        assert ask(base, not stream)[0]["fallback_reason"] == fault.reason  # and it keeps answering


def test_openai_route_reports_the_reason(url: str, llm: ScriptedLLM) -> None:
    llm.reset()
    llm.enqueue(Scripted(content=ENGLISH))
    body = {"model": "faqbot", "messages": [{"role": "user", "content": DISK}]}
    r = httpx.post(f"{url}/v1/chat/completions", json=body, timeout=TIMEOUT + 30)
    assert r.status_code == 200
    extra = r.json()["faqbot"]
    assert extra["mode"] == "fallback" and extra["fallback_reason"] == "wrong_language"


def test_wrong_language_stream_shows_nothing_of_it(url: str, llm: ScriptedLLM) -> None:
    """The language is judged before any text is shown, so the English never reaches the screen."""
    llm.reset()
    llm.enqueue(Scripted(chunks=tuple(ENGLISH[i : i + 3] for i in range(0, len(ENGLISH), 3))))
    reply, shown, _ = ask(url, stream=True)
    assert reply["fallback_reason"] == "wrong_language" and shown == ""


@pytest.mark.parametrize("stream", [False, True], ids=["complete", "stream"])
def test_the_deadline_covers_the_whole_call(llm: ScriptedLLM, stream: bool) -> None:
    """The generator alone: a 1 byte/s drip is cut at the timeout, not at one read timeout per byte."""
    llm.reset()
    llm.enqueue(Scripted(drip=0.3, content=GOOD))
    generator = OpenAIGenerator(llm.base_url, "m", timeout=1.0)
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        messages: Any = [{"role": "user", "content": "?"}]
        if stream:
            list(generator.stream(messages))
        else:
            generator.complete(messages)
    assert getattr(caught.value, "reason", None) == "timeout"
    assert time.monotonic() - started < 1.0 + 0.5


def test_an_error_body_that_quotes_the_prompt_stays_out_of_the_log(
    url: str, llm: ScriptedLLM, server_logs: LogLines
) -> None:
    llm.reset()
    llm.enqueue(Scripted(status=400, echo_prompt=True))
    reply, _, _ = ask(url, stream=False)
    assert reply["fallback_reason"] == "http_error"
    assert "HTTP 400 (scripted_error)" in server_logs.text
    assert DISK not in server_logs.text
