"""The Generator protocol and its implementation on the official `openai` client.

Any OpenAI-compatible endpoint works (llama.cpp server, vLLM, Ollama, a gateway). Every failure
becomes `GeneratorError(reason, detail)` with one of the reasons below, so the writer can fall
back to the extractive reply and say why.

`timeout` bounds the whole call, streamed or not (see bot/answering/deadline.py): an endpoint that
trickles bytes is cut off at the deadline like one that hangs. A reply longer than
`max_reply_chars` (an endpoint ignoring max_tokens), or one the model stopped at max_tokens, is
refused as too long, and a stream that ends without a finish reason as incomplete.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, Literal, Protocol, TypedDict

from bot.errors import GeneratorError

TIMEOUT = "timeout"
HTTP_ERROR = "http_error"
CONNECTION_ERROR = "connection_error"
EMPTY_REPLY = "empty_reply"
MALFORMED_RESPONSE = "malformed_response"
TOO_LONG = "too_long"
INCOMPLETE_REPLY = "incomplete_reply"
# Characters a reply may have per max_tokens token: English runs ~4 characters a token, Japanese
# fewer; more than this means the endpoint did not apply max_tokens at all.
CHARS_PER_TOKEN = 4


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

        from bot.answering.deadline import deadline_client

        self.model = model
        self.timeout = timeout
        self.max_reply_chars = max_tokens * CHARS_PER_TOKEN
        self._max_tokens = max_tokens
        self._temperature = temperature
        # No retries: the extractive fallback is our retry, and a retried timeout doubles the wait.
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=0,
            http_client=deadline_client(base_url, timeout),
        )

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
        with _translated_errors(self.timeout):
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
        self._check_length(len(content), getattr(choices[0], "finish_reason", None))
        return content

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        produced, finished = 0, None
        with _translated_errors(self.timeout):
            response = self._create(messages, stream=True)
            try:
                for chunk in response:
                    piece, reason = _chunk_text(chunk)
                    finished = reason or finished
                    if piece:
                        produced += len(piece)
                        self._check_length(produced, None)
                        yield piece
            finally:
                response.close()
        if not produced:
            raise GeneratorError(EMPTY_REPLY, "the stream carried no text")
        if finished is None:
            raise GeneratorError(INCOMPLETE_REPLY, "the stream ended before the model said it had finished")
        self._check_length(produced, finished)

    def _check_length(self, chars: int, finish_reason: str | None) -> None:
        if chars > self.max_reply_chars:
            limit = f"{self.max_reply_chars} characters (max_tokens {self._max_tokens})"
            raise GeneratorError(TOO_LONG, f"the reply passed {limit}")
        if finish_reason == "length":
            # Cut mid-sentence at max_tokens: the end of the reply, where the last claim is, is missing.
            raise GeneratorError(TOO_LONG, f"the model stopped at max_tokens ({self._max_tokens})")


def _chunk_text(chunk: Any) -> tuple[str, str | None]:
    """The text of one stream chunk and its finish reason (None until the last one)."""
    choices = getattr(chunk, "choices", None)
    if choices is None:
        raise GeneratorError(MALFORMED_RESPONSE, "a stream chunk has no choices")
    if not choices:
        return "", None  # e.g. a trailing usage chunk
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None)
    reason = getattr(choices[0], "finish_reason", None)
    return (content if isinstance(content, str) else ""), (reason if isinstance(reason, str) else None)


class _translated_errors:
    """Context manager mapping openai/httpx/json failures to GeneratorError reasons."""

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is not None and not isinstance(exc, GeneratorError | GeneratorExit):
            raise _translate(exc, self._timeout) from exc


def _translate(exc: BaseException, timeout: float) -> GeneratorError:
    import openai

    from bot.answering.deadline import httpx

    # A stream is read after the client returned it: httpx errors then arrive unwrapped.
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
        return GeneratorError(TIMEOUT, f"no complete reply within {timeout:g} s")
    if isinstance(exc, openai.APIStatusError):
        # Not the endpoint's message: some echo the prompt, and the prompt holds the user's question.
        code = getattr(exc, "code", None) or getattr(exc, "type", None)
        suffix = f" ({_short(str(code))})" if code else ""
        return GeneratorError(HTTP_ERROR, f"HTTP {exc.status_code}{suffix}")
    if isinstance(exc, openai.APIConnectionError):
        return GeneratorError(CONNECTION_ERROR, _short(str(exc.__cause__ or exc)))
    if isinstance(exc, httpx.TransportError):
        return GeneratorError(CONNECTION_ERROR, f"{type(exc).__name__}: {_short(str(exc))}")
    if isinstance(exc, json.JSONDecodeError | openai.APIResponseValidationError | ValueError | TypeError):
        return GeneratorError(MALFORMED_RESPONSE, _short(str(exc)))
    if isinstance(exc, openai.OpenAIError):
        return GeneratorError(HTTP_ERROR, _short(str(exc)))
    return GeneratorError(CONNECTION_ERROR, f"{type(exc).__name__}: {_short(str(exc))}")


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
