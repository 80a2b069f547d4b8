"""The reply cache: bounded, least recently used out first, failures never kept, hits skip retrieval."""

from __future__ import annotations

from bot.answering.cache import ReplyCache
from bot.answering.service import AnswerService
from bot.engine import Engine
from bot.models import Reply, Retrieval
from bot.settings import Settings


def _value(mode: str = "extractive") -> tuple[Retrieval, Reply]:
    retrieval = Retrieval(query="q", search_text="q", language="ja", hits=(), answerable=False, confidence=0)
    return retrieval, Reply(text="t", mode=mode)  # type: ignore[arg-type]


def test_least_recently_used_goes_first() -> None:
    cache = ReplyCache(2)
    a, b, c = (ReplyCache.key(q, (), None, 5) for q in ("a", "b", "c"))
    cache.put(a, _value())
    cache.put(b, _value())
    assert cache.get(a) is not None  # a is now the most recent
    cache.put(c, _value())
    assert cache.get(b) is None
    assert cache.get(a) is not None and cache.get(c) is not None
    assert cache.stats().size == 2


def test_fallbacks_are_not_kept_and_zero_capacity_keeps_nothing() -> None:
    cache = ReplyCache(4)
    key = ReplyCache.key("a", (), None, 5)
    cache.put(key, _value("fallback"))
    assert cache.get(key) is None
    off = ReplyCache(0)
    off.put(key, _value())
    assert off.get(key) is None


def test_keys_fold_width_but_keep_category_and_k_apart() -> None:
    assert ReplyCache.key("ＣＰＵを増やしたい", (), None, 5) == ReplyCache.key("CPUを増やしたい", (), None, 5)
    assert ReplyCache.key("x", (), "その他", 5) != ReplyCache.key("x", (), None, 5)
    assert ReplyCache.key("x", (), None, 3) != ReplyCache.key("x", (), None, 5)


def test_a_repeated_question_is_answered_from_the_cache(engine: Engine, settings: Settings) -> None:
    service = AnswerService.build(engine, settings.model_copy(update={"reply_cache_size": 8}))
    first = service.answer("ポータルのパスワードを忘れた")
    again = service.answer("ポータルのパスワードを忘れた")
    assert again == first
    assert (service.cache.stats().hits, service.cache.stats().misses) == (1, 1)
    other = service.answer("ポータルのパスワードを忘れた", category="閉域網サービス")
    assert service.cache.stats().misses == 2
    assert other[0].numbers != first[0].numbers


def test_llm_replies_are_not_cached(engine: Engine, settings: Settings) -> None:
    from bot.answering.generator import OpenAIGenerator

    generator = OpenAIGenerator(base_url="http://127.0.0.1:9/v1", model="m", api_key="k", timeout=1.0)
    service = AnswerService.build(engine, settings, generator)
    assert service.cache.capacity == 0
