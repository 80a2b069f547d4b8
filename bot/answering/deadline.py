"""An httpx client whose every call ends by a wall-clock deadline, whatever the endpoint does.

httpx's timeouts are per operation: a read timeout bounds the wait for the *next* bytes, so an
endpoint that sends one byte a second (in its headers, its body or a stream) never trips it and
holds the caller forever. Here every connection serves one call (no keep-alive) and carries the
deadline `seconds` after it was opened; each connect, read and write waits at most until then,
and raises httpx's own timeout once it has passed. The caller sees an ordinary timeout.

Recent `openai` releases run on the `httpx2` fork (same API); older ones on httpx. The client must
be of the library the installed openai uses, so this module and the generator import it from here.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterable
from typing import Any

try:
    import httpcore2 as httpcore
    import httpx2 as httpx
except ImportError:  # openai before it moved to httpx2
    import httpcore  # type: ignore[no-redef]
    import httpx  # type: ignore[no-redef]

__all__ = ["deadline_client", "httpx"]


def _remaining(deadline: float, timeout: float | None, error: type[httpcore.TimeoutException]) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the call ran past its deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        left = _remaining(self._deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend, seconds: float) -> None:
        self._inner = inner
        self._seconds = seconds

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        deadline = time.monotonic() + self._seconds
        left = _remaining(deadline, timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, left, local_address, socket_options)
        return _DeadlineStream(stream, deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        deadline = time.monotonic() + self._seconds
        left = _remaining(deadline, timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, left, socket_options), deadline)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _env_proxy(base_url: str) -> str | None:
    """HTTP(S)_PROXY for this URL unless NO_PROXY exempts it (what httpx would pick itself)."""
    url = httpx.URL(base_url)
    if urllib.request.proxy_bypass(url.host):
        return None
    return urllib.request.getproxies().get(url.scheme)


def deadline_client(base_url: str, seconds: float) -> httpx.Client:
    """A client for `base_url` whose calls each finish within `seconds` (per-read timeouts too)."""
    transport = httpx.HTTPTransport(
        proxy=_env_proxy(base_url),
        # One call per connection: the deadline belongs to the connection, so one must never be reused.
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=0),
    )
    # httpcore exposes no public hook for the network layer of a pool made by httpx.
    pool = transport._pool
    pool._network_backend = _DeadlineBackend(pool._network_backend, seconds)
    # trust_env off: the proxy is chosen above, so httpx adds no proxy mount without the deadline.
    return httpx.Client(transport=transport, timeout=seconds, follow_redirects=True, trust_env=False)
