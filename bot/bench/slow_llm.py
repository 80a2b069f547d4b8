"""An OpenAI-compatible endpoint that takes its time: for timing what the user sees first.

Answers every chat completion after `delay` seconds, citing the first FAQ number of the prompt,
streamed or not. It is a real HTTP server on 127.0.0.1, so the real `openai` client is used.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_NO = re.compile(r"No\.(\d+)")


def _handler(delay: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            prompt = json.dumps(body.get("messages", []), ensure_ascii=False)
            found = _NO.search(prompt)
            text = f"FAQの記載のとおりです。[No.{found.group(1) if found else 1}]"
            time.sleep(delay)
            if body.get("stream"):
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                for piece in (text[:8], text[8:]):
                    choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                    chunk = {"id": "s", "object": "chat.completion.chunk", "created": 0, "choices": [choice]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                return
            message = {"role": "assistant", "content": text}
            choice = {"index": 0, "finish_reason": "stop", "message": message}
            reply = {"id": "s", "object": "chat.completion", "created": 0, "model": "s", "choices": [choice]}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def slow_llm(delay: float = 2.0) -> Iterator[str]:
    """Yields the base URL (`http://127.0.0.1:PORT/v1`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(delay))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
