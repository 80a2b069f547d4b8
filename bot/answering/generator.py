"""The Generator protocol and its implementation on the official `openai` client.

Any OpenAI-compatible endpoint works (llama.cpp server, vLLM, Ollama, a gateway). Every failure
becomes `GeneratorError(reason, detail)` with one of the reasons below, so the writer can fall
back to the extractive reply and say why.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from typing import Any, Literal, Protocol, TypedDict

from bot.errors import GeneratorError

TIMEOUT = "timeout"
HTTP_ERROR = "http_error"
CONNECTION_ERROR = "connection_error"
EMPTY_REPLY = "empty_reply"
MALFORMED_RESPONSE = "malformed_response"
# The whole stream may take this many times the per-read timeout (a server that trickles tokens
# forever never trips a read timeout).
STREAM_DEADLINE_FACTOR = 3.0


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


class Generator(Protocol):
    def complete(self, messages: Sequence[Message]) -> str:
        """The whole reply. Raises GeneratorError."""
        ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """The reply in pieces as they arrive. Raises GeneratorError, also mid-stream."""
        ...


class OpenAIGenerator:
    """Chat completions through `openai.OpenAI`. One client, shared: it is thread-safe."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "not-needed",
        timeout: float = 20.0,
        max_tokens: int = 600,
        temperature: float = 0.1,
    ) -> None:
        import openai

        self.model = model
        self.timeout = timeout
        self._max_tokens = max_tokens
        self._temperature = temperature
        # No retries: the extractive fallback is our retry, and a retried timeout doubles the wait.
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=0)

    def _create(self, messages: Sequence[Message], stream: bool) -> Any:
        return self._client.chat.completions.create(
            model=self.model,
            messages=list(messages),  # type: ignore[arg-type]
            max_tokens=self._max_tokens,
            temperature=self._temperature,
            stream=stream,
            timeout=self.timeout,
        )

    def complete(self, messages: Sequence[Message]) -> str:
        with _translated_errors():
            response = self._create(messages, stream=False)
        choices = getattr(response, "choices", None)
        if not choices:
            raise GeneratorError(MALFORMED_RESPONSE, "the response has no choices")
        message = getattr(choices[0], "message", None)
        content = getattr(message, "content", None)
        if content is not None and not isinstance(content, str):
            raise GeneratorError(MALFORMED_RESPONSE, f"message content is {type(content).__name__}, not text")
        if not content or not content.strip():
            raise GeneratorError(EMPTY_REPLY, "the model returned no text")
        return content

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        deadline = time.monotonic() + self.timeout * STREAM_DEADLINE_FACTOR
        produced = False
        with _translated_errors():
            response = self._create(messages, stream=True)
            try:
                for chunk in response:
                    if time.monotonic() > deadline:
                        raise GeneratorError(TIMEOUT, f"stream still running after {deadline:.0f}s deadline")
                    piece = _chunk_text(chunk)
                    if piece:
                        produced = True
                        yield piece
            finally:
                response.close()
        if not produced:
            raise GeneratorError(EMPTY_REPLY, "the stream carried no text")


def _chunk_text(chunk: Any) -> str:
    choices = getattr(chunk, "choices", None)
    if choices is None:
        raise GeneratorError(MALFORMED_RESPONSE, "a stream chunk has no choices")
    if not choices:
        return ""  # e.g. a trailing usage chunk
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None)
    return content if isinstance(content, str) else ""


class _translated_errors:
    """Context manager mapping openai/httpx/json failures to GeneratorError reasons."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is not None and not isinstance(exc, GeneratorError | GeneratorExit):
            raise _translate(exc) from exc


def _translate(exc: BaseException) -> GeneratorError:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return GeneratorError(TIMEOUT, str(exc))
    if isinstance(exc, openai.APIStatusError):
        return GeneratorError(HTTP_ERROR, f"HTTP {exc.status_code}: {_short(exc.message)}")
    if isinstance(exc, openai.APIConnectionError):
        return GeneratorError(CONNECTION_ERROR, str(exc.__cause__ or exc))
    if isinstance(exc, json.JSONDecodeError | openai.APIResponseValidationError | ValueError | TypeError):
        return GeneratorError(MALFORMED_RESPONSE, _short(str(exc)))
    if isinstance(exc, openai.OpenAIError):
        return GeneratorError(HTTP_ERROR, _short(str(exc)))
    return GeneratorError(CONNECTION_ERROR, f"{type(exc).__name__}: {_short(str(exc))}")


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
