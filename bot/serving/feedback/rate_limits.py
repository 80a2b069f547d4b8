"""The rate limiter for several workers: per-client counters in the shared database.

Fixed one-minute windows, one UPSERT per request (revision 0002 creates the table). Client addresses
are personal data, so the table holds only an HMAC-SHA256 of each: enough to count, useless to read.
Windows are cut from the wall clock, so every worker (and host, with NTP) agrees where one ends.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, case, delete
from sqlalchemy.exc import SQLAlchemyError

from bot.serving.feedback.database import first_line, upsert_into
from bot.serving.feedback.tables import rate_limits

log = logging.getLogger("faqbot.serving")
WINDOW_S = 60


def client_hash_secret(secret: str | None, database_url: str) -> bytes:
    """The HMAC key: FAQBOT_HASH_SECRET, else one derived from the database URL.

    The derived key is the same in every worker (they must agree to share counters) and survives
    restarts, but anyone who knows the URL can recompute it: set FAQBOT_HASH_SECRET in production.
    """
    if secret:
        return secret.encode()
    return hashlib.sha256(b"faqbot client key\x00" + database_url.encode()).digest()


class SqlRateLimiter:
    """`per_minute` requests per client per clock minute, counted in the database.

    Fails open: when the database cannot be reached the request is allowed and a warning logged,
    because refusing every chat over a counter outage would be worse than a minute without a limit.
    """

    PRUNE_EVERY = 1000  # calls between deletions of finished windows, per process
    RETRY_DB_AFTER_S = 5.0  # after a failure, skip the database this long (no timeout per request)

    def __init__(
        self, engine: Engine, per_minute: int, secret: bytes, clock: Callable[[], float] = time.time
    ) -> None:
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, got {per_minute}; use NoLimit for no limit")
        if not secret:
            raise ValueError("an empty HMAC key would store client addresses recoverably; pass a secret")
        self.engine = engine
        self.per_minute = per_minute
        self._secret = secret
        self._clock = clock
        self._lock = threading.Lock()
        self._calls = 0
        self._down_until = 0.0

    def hashed(self, key: str) -> str:
        """What the table stores for a client key (hex HMAC-SHA256)."""
        return hmac.new(self._secret, key.encode(), hashlib.sha256).hexdigest()

    def acquire(self, key: str) -> float | None:
        now = self._clock()
        if now < self._down_until:
            return None
        window = int(now // WINDOW_S) * WINDOW_S
        try:
            hits = self._count(self.hashed(key), window)
        except SQLAlchemyError as exc:
            self._down_until = now + self.RETRY_DB_AFTER_S
            log.warning(
                "rate limit not enforced for %.0f s: the database is unavailable (%s)",
                self.RETRY_DB_AFTER_S,
                first_line(exc),
            )
            return None
        if self._due_for_pruning():
            self._prune(window)
        if hits <= self.per_minute:
            return None
        return window + WINDOW_S - now

    def _count(self, client: str, window: int) -> int:
        with self.engine.begin() as conn:
            insert = upsert_into(conn, rate_limits).values(client=client, window_start=window, hits=1)
            # Same window: one more hit. A later window: start again at 1. Both sides of SET read the
            # old row, so the order of the two assignments does not matter.
            statement = insert.on_conflict_do_update(
                index_elements=[rate_limits.c.client],
                set_={
                    "hits": case(
                        (rate_limits.c.window_start == insert.excluded.window_start, rate_limits.c.hits + 1),
                        else_=1,
                    ),
                    "window_start": insert.excluded.window_start,
                },
            ).returning(rate_limits.c.hits)
            hits: int = conn.execute(statement).scalar_one()
            return hits

    def _due_for_pruning(self) -> bool:
        with self._lock:
            self._calls += 1
            return self._calls % self.PRUNE_EVERY == 0

    def _prune(self, window: int) -> None:
        # Its own transaction, after the count: never holds a client's row lock while deleting others.
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(rate_limits).where(rate_limits.c.window_start < window))
        except SQLAlchemyError as exc:
            log.info("could not prune finished rate-limit windows (will retry): %s", exc)
