"""Fixtures for the fault tests: the server's own log lines, captured as the server writes them."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator

import pytest

# What a server writes: the JSON access log, its own events, and the core's warnings.
SERVER_LOGGERS = ("faqbot.access", "faqbot.serving", "bot")


class LogLines(logging.Handler):
    """Every record of the server's loggers, formatted, with the access-log lines parsed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.tracebacks: list[str] = []  # records logged with a stack trace
        self._lock_lines = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock_lines:
            self.lines.append(f"{record.name} {record.levelname}: {record.getMessage()}")
            if record.exc_info is not None:
                self.tracebacks.append(f"{record.getMessage()}: {record.exc_info[1]!r}")

    @property
    def text(self) -> str:
        with self._lock_lines:
            return "\n".join(self.lines)

    def access(self, request_id: str, timeout_s: float = 5.0) -> dict[str, object]:
        """The access-log line of one request (written once its response is complete)."""
        deadline = time.monotonic() + timeout_s
        while True:
            with self._lock_lines:
                lines = list(self.lines)
            for line in lines:
                if line.startswith("faqbot.access") and request_id in line:
                    entry: dict[str, object] = json.loads(line.split(": ", 1)[1])
                    return entry
            if time.monotonic() > deadline:
                raise AssertionError(f"no access-log line for request {request_id}")
            time.sleep(0.02)


@pytest.fixture
def server_logs() -> Iterator[LogLines]:
    handler = LogLines()
    loggers = [logging.getLogger(name) for name in SERVER_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)
