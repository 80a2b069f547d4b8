"""A scripted OpenAI-compatible HTTP server on 127.0.0.1 for tests: a queue of responses, a request history.

It is a real HTTP server (threading http.server), so the real `openai` client — streaming included —
is exercised end to end. Reusable from other test packages:

    with ScriptedLLM() as llm:
        llm.enqueue(Scripted(content="回答です。[No.17]"))
        settings = settings.model_copy(update={"llm_base_url": llm.base_url})
        ...
        assert llm.history[0]["messages"][0]["role"] == "system"

A request with `"stream": true` is answered with SSE chunks (`data: {...}\\n\\n` … `data: [DONE]`).
When the queue is empty the server answers 500 so a missing script fails loudly.

Faults an endpoint can have, each a field of `Scripted`: a status, bytes that are not JSON, a
hang (`delay`), a stream that stalls (`chunk_delay`), a trickle of one byte at a time from the
status line on (`drip`), a reply cut off mid-way (`cut_after`), an error that quotes the prompt
back (`echo_prompt`, as some servers do).
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Scripted:
    """One scripted response.

    content: the assistant message (split into `chunks` when streaming, unless chunks are given).
    status:  HTTP status; non-200 sends an OpenAI-style error body.
    raw:     send these bytes verbatim as the body (e.g. malformed JSON); overrides content.
    delay:   seconds to wait before answering (a hang when longer than the client's timeout).
    chunks:  explicit stream pieces; chunk_delay: pause between them.
    drip:    send the whole response one byte at a time, this many seconds apart.
    cut_after: stream: close the connection after this many pieces, with no finish chunk and no
             [DONE]; plain reply: announce the whole body's length and close after half of it.
    echo_prompt: with a non-200 status, the error message quotes the last message of the prompt.
    """

    content: str = ""
    status: int = 200
    raw: bytes | None = None
    delay: float = 0.0
    chunks: tuple[str, ...] | None = None
    chunk_delay: float = 0.0
    finish_reason: str = "stop"
    drip: float = 0.0
    cut_after: int | None = None
    echo_prompt: bool = False


@dataclass
class _State:
    queue: deque[Scripted] = field(default_factory=deque)
    history: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    closing: threading.Event = field(default_factory=threading.Event)


def _completion(content: str, model: str, finish_reason: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict[str, str], finish_reason: str | None) -> bytes:
    body = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()


def _split(text: str, size: int = 6) -> tuple[str, ...]:
    return tuple(text[i : i + size] for i in range(0, len(text), size)) or ("",)


def _make_handler(state: _State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            with state.lock:
                state.history.append(request)
                script = state.queue.popleft() if state.queue else None
            if script is None:
                self._json(500, {"error": {"message": "scripted LLM: nothing enqueued"}})
                return
            if script.delay and state.closing.wait(script.delay):
                return
            # The client may have given up (timeout): that is the point of some scripts.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                if script.drip:
                    self._drip(request, script)
                else:
                    self._respond(request, script)

        def _drip(self, request: dict[str, Any], script: Scripted) -> None:
            real, self.wfile = self.wfile, io.BytesIO()
            try:
                self._respond(request, script)
                data = self.wfile.getvalue()
            finally:
                self.wfile = real
            for i in range(len(data)):
                if state.closing.wait(script.drip):
                    return
                real.write(data[i : i + 1])
                real.flush()

        def _respond(self, request: dict[str, Any], script: Scripted) -> None:
            model = str(request.get("model", "scripted"))
            if script.raw is not None:
                self._send(script.status, script.raw, "application/json")
            elif script.status != 200:
                message = f"scripted status {script.status}"
                if script.echo_prompt:
                    message += f": cannot handle {request['messages'][-1]['content']!r}"
                self._json(script.status, {"error": {"message": message, "code": "scripted_error"}})
            elif request.get("stream"):
                self._stream(model, script)
            elif script.cut_after is not None:
                body = json.dumps(_completion(script.content, model, script.finish_reason)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
            else:
                self._json(200, _completion(script.content, model, script.finish_reason))

        def _stream(self, model: str, script: Scripted) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(_chunk(model, {"role": "assistant", "content": ""}, None))
            pieces = script.chunks if script.chunks is not None else _split(script.content)
            for i, piece in enumerate(pieces):
                if script.cut_after is not None and i >= script.cut_after:
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if script.chunk_delay and state.closing.wait(script.chunk_delay):
                    return
                self.wfile.write(_chunk(model, {"content": piece}, None))
                self.wfile.flush()
            self.wfile.write(_chunk(model, {}, script.finish_reason))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _json(self, status: int, body: dict[str, Any]) -> None:
            self._send(status, json.dumps(body, ensure_ascii=False).encode(), "application/json")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class ScriptedLLM:
    """The server. Start with `with ScriptedLLM() as llm:` or start()/close()."""

    def __init__(self) -> None:
        self._state = _State()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self._state))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def history(self) -> list[dict[str, Any]]:
        """Every request body received, oldest first."""
        with self._state.lock:
            return list(self._state.history)

    def enqueue(self, *scripts: Scripted) -> None:
        with self._state.lock:
            self._state.queue.extend(scripts)

    def reset(self) -> None:
        with self._state.lock:
            self._state.queue.clear()
            self._state.history.clear()

    @property
    def pending(self) -> int:
        with self._state.lock:
            return len(self._state.queue)

    def start(self) -> ScriptedLLM:
        self._thread.start()
        return self

    def close(self) -> None:
        self._state.closing.set()  # wakes handlers that are "hanging"
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
