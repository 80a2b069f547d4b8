"""Per-client rate limiting behind a small interface.

The token bucket lives in this process: right for one worker on SQLite. With several workers each
would count on its own, so with FAQBOT_DATABASE_URL the counters live in the shared database instead
(`bot.serving.feedback.rate_limits.SqlRateLimiter`). Another backend only has to implement `acquire`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine


class RateLimiter(Protocol):
    def acquire(self, key: str) -> float | None:
        """Take one request for `key`: None when allowed, else seconds until it would be."""


class NoLimit:
    def acquire(self, key: str) -> float | None:
        return None


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class TokenBucketLimiter:
    """`per_minute` requests a minute per key, in bursts of at most `per_minute`."""

    # Forget idle clients once the table is this big, so memory stays bounded.
    _MAX_KEYS = 10_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, got {per_minute}; use NoLimit for no limit")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float | None:
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self._MAX_KEYS:
                    self._prune(now)
                bucket = self._buckets[key] = _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        refill = self.rate
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.stamp) * refill >= self.capacity]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= self._MAX_KEYS:
            # Every client is mid-burst: drop the longest-idle half rather than grow without bound.
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].stamp)[: self._MAX_KEYS // 2]
            for k in oldest:
                del self._buckets[k]


def make_limiter(per_minute: int, engine: Engine | None = None, secret: bytes = b"") -> RateLimiter:
    """No limit at 0; counters in the database behind `engine` (shared by workers) when given, with
    client keys hashed with `secret`; else a token bucket in this process."""
    if per_minute <= 0:
        return NoLimit()
    if engine is not None:
        from bot.serving.feedback.rate_limits import SqlRateLimiter

        return SqlRateLimiter(engine, per_minute, secret)
    return TokenBucketLimiter(per_minute)


def retry_after_seconds(wait: float) -> int:
    """Retry-After is whole seconds; round up so a client that obeys it is let in."""
    return max(1, math.ceil(wait))
