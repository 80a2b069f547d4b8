"""The token bucket, on a fake clock; which limiter make_limiter picks."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from bot.serving.feedback import SqlRateLimiter
from bot.serving.ratelimit import NoLimit, TokenBucketLimiter, make_limiter, retry_after_seconds


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_wait_for_the_next_token() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(6, clock=clock)  # one token every 10 s
    assert [limiter.acquire("a") for _ in range(6)] == [None] * 6
    assert limiter.acquire("a") == pytest.approx(10.0)
    clock.now += 4
    assert limiter.acquire("a") == pytest.approx(6.0)
    clock.now += 6
    assert limiter.acquire("a") is None
    assert limiter.acquire("a") == pytest.approx(10.0)


def test_clients_are_counted_apart_and_idle_ones_refill_to_capacity_only() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(2, clock=clock)
    assert limiter.acquire("a") is None and limiter.acquire("a") is None
    assert limiter.acquire("a") is not None
    assert limiter.acquire("b") is None
    clock.now += 3600
    assert [limiter.acquire("a") for _ in range(3)][:2] == [None, None]
    assert limiter.acquire("a") is not None


def test_table_of_clients_stays_bounded() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(1, clock=clock)
    limiter._MAX_KEYS = 100
    for i in range(1000):
        limiter.acquire(f"client-{i}")
    assert len(limiter._buckets) <= 100


def test_zero_means_no_limit() -> None:
    assert isinstance(make_limiter(0), NoLimit)
    assert all(make_limiter(0).acquire("a") is None for _ in range(1000))
    with pytest.raises(ValueError, match="NoLimit"):
        TokenBucketLimiter(0)


def test_retry_after_rounds_up() -> None:
    assert [retry_after_seconds(w) for w in (0.01, 1.0, 1.2, 59.9)] == [1, 1, 2, 60]


def test_an_engine_means_counters_in_the_shared_database() -> None:
    # The database limiter itself is tested on SQLite and PostgreSQL in feedback/test_rate_limits.py.
    engine = create_engine("sqlite://")  # nothing is opened until the first acquire
    limiter = make_limiter(10, engine=engine, secret=b"k")
    assert isinstance(limiter, SqlRateLimiter) and limiter.per_minute == 10
    assert isinstance(make_limiter(10), TokenBucketLimiter)
    assert isinstance(make_limiter(0, engine=engine, secret=b"k"), NoLimit)
