"""The database rate limiter: one budget per client across instances, hashed keys, fails open."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from bot.serving.feedback import SqlFeedbackStore, SqlRateLimiter, client_hash_secret
from bot.serving.feedback.database import make_engine
from bot.serving.feedback.tables import rate_limits
from bot.serving.ratelimit import TokenBucketLimiter

IP = "203.0.113.7"
OTHER_IP = "198.51.100.1"
START = 1_800_000_000.0  # a whole minute in Unix seconds: windows start here


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.fixture
def limiter_pair(
    store: SqlFeedbackStore, db_url: str, engines: Callable[[Engine], Engine]
) -> tuple[SqlRateLimiter, SqlRateLimiter, Clock]:
    """Two limiters as two workers would have them: own engines, one database, one secret."""
    clock = Clock(START + 10)
    secret = client_hash_secret(None, db_url)
    a = SqlRateLimiter(engines(make_engine(db_url)), 3, secret, clock=clock)
    b = SqlRateLimiter(engines(make_engine(db_url)), 3, secret, clock=clock)
    return a, b, clock


def stored(engine: Engine) -> dict[str, tuple[int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(select(rate_limits.c.client, rate_limits.c.window_start, rate_limits.c.hits))
        return {client: (window, hits) for client, window, hits in rows}


def test_the_limit_is_shared_by_two_instances(
    limiter_pair: tuple[SqlRateLimiter, SqlRateLimiter, Clock],
) -> None:
    a, b, _clock = limiter_pair
    assert [a.acquire(IP), b.acquire(IP), a.acquire(IP)] == [None, None, None]
    wait = b.acquire(IP)  # the 4th request this minute, on the other worker
    assert wait is not None and wait == pytest.approx(50.0)  # until the next minute starts
    assert a.acquire(IP) == pytest.approx(50.0)
    assert a.acquire(OTHER_IP) is None  # clients are counted apart


def test_a_new_minute_starts_a_new_count(limiter_pair: tuple[SqlRateLimiter, SqlRateLimiter, Clock]) -> None:
    a, b, clock = limiter_pair
    for _ in range(3):
        assert a.acquire(IP) is None
    assert b.acquire(IP) is not None
    clock.now += 50  # START + 60: the next window
    assert [b.acquire(IP), a.acquire(IP), b.acquire(IP)] == [None, None, None]
    assert a.acquire(IP) == pytest.approx(60.0)


def test_the_table_holds_keyed_hashes_never_addresses(
    limiter_pair: tuple[SqlRateLimiter, SqlRateLimiter, Clock],
) -> None:
    a, b, _ = limiter_pair
    a.acquire(IP)
    b.acquire(IP)
    a.acquire(OTHER_IP)
    table = stored(a.engine)
    assert set(table) == {a.hashed(IP), a.hashed(OTHER_IP)}
    assert table[a.hashed(IP)] == (int(START), 2)
    for client in table:
        assert IP not in client and OTHER_IP not in client and len(client) == 64
    # Keyed: the same address under another secret is another row, so the table cannot be
    # reversed by hashing the whole IPv4 space without the key.
    assert SqlRateLimiter(a.engine, 3, b"another secret").hashed(IP) != a.hashed(IP)


def test_finished_windows_are_pruned(limiter_pair: tuple[SqlRateLimiter, SqlRateLimiter, Clock]) -> None:
    a, _, clock = limiter_pair
    a.PRUNE_EVERY = 3
    a.acquire(IP)
    clock.now += 60
    a.acquire(OTHER_IP)
    assert len(stored(a.engine)) == 2
    a.acquire(OTHER_IP)  # the 3rd call prunes windows before the current one
    assert set(stored(a.engine)) == {a.hashed(OTHER_IP)}


def test_hash_secret_is_the_setting_or_derived_from_the_url() -> None:
    assert client_hash_secret("set me", "postgresql+psycopg://db/a") == b"set me"
    derived = client_hash_secret(None, "postgresql+psycopg://db/a")
    assert derived == client_hash_secret("", "postgresql+psycopg://db/a")  # stable across workers
    assert derived != client_hash_secret(None, "postgresql+psycopg://db/b") and len(derived) == 32
    with pytest.raises(ValueError, match="secret"):
        SqlRateLimiter(make_engine("sqlite://"), 3, b"")


def test_fails_open_with_a_warning_when_the_database_is_unreachable(caplog: pytest.LogCaptureFixture) -> None:
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/faqbot")
    limiter = SqlRateLimiter(engine, 1, b"k")
    with caplog.at_level(logging.WARNING, logger="faqbot.serving"):
        assert [limiter.acquire(IP) for _ in range(3)] == [None, None, None]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    # One warning per outage, then the database is left alone for a few seconds: no connect per request.
    assert len(warnings) == 1 and "rate limit not enforced" in warnings[0].getMessage()
    assert "connection" in warnings[0].getMessage().lower()
    engine.dispose()


def test_chat_keeps_answering_when_the_limiter_database_is_down(make_app: Callable[..., FastAPI]) -> None:
    app = make_app()
    dead = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/faqbot")
    app.state.limiter = SqlRateLimiter(dead, 1, b"k")  # only the counters are unreachable
    with TestClient(app) as client:
        for _ in range(3):
            r = client.post("/api/chat", json={"question": "SLAは？"})
            assert r.status_code == 200 and r.json()["citations"][0]["no"] == 46
    dead.dispose()


def test_the_app_counts_in_the_database_only_when_a_url_is_set(
    make_app: Callable[..., FastAPI], db_url: str
) -> None:
    shared = make_app(rate_limit_per_minute=5, database_url=db_url)
    local = make_app(rate_limit_per_minute=5)
    assert isinstance(shared.state.limiter, SqlRateLimiter)
    assert shared.state.limiter.engine is shared.state.store.engine
    assert isinstance(local.state.limiter, TokenBucketLimiter)
    for app in (shared, local):
        app.state.store.engine.dispose()
