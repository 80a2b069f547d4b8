"""A bounded LRU of replies, one per answer service (so per index build: a publish starts empty).

FAQ traffic repeats itself ("パスワードを忘れた" many times a day); a hit skips the embedder, which is
most of a request's cost. Keys are the normalised question with everything else that changes the
reply: the history, the category and k.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from bot.models import Reply, Retrieval, Turn
from bot.text.normalize import normalize

CacheKey = tuple[str, tuple[Turn, ...], str | None, int]


@dataclass(frozen=True)
class CacheStats:
    size: int
    capacity: int
    hits: int
    misses: int


class ReplyCache:
    def __init__(self, capacity: int) -> None:
        if capacity < 0:
            raise ValueError(f"cache capacity must be >= 0, got {capacity}")
        self.capacity = capacity
        self._items: OrderedDict[CacheKey, tuple[Retrieval, Reply]] = OrderedDict()
        self._lock = threading.Lock()
        self._hits = self._misses = 0

    @staticmethod
    def key(question: str, history: tuple[Turn, ...], category: str | None, k: int) -> CacheKey:
        return (normalize(question), history, category, k)

    def get(self, key: CacheKey) -> tuple[Retrieval, Reply] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self._misses += 1
                return None
            self._items.move_to_end(key)
            self._hits += 1
            return found

    def put(self, key: CacheKey, value: tuple[Retrieval, Reply]) -> None:
        # A fallback is a failure of the moment (a timed-out LLM): the next asker deserves a retry.
        if self.capacity == 0 or value[1].mode == "fallback":
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._items), self.capacity, self._hits, self._misses)
