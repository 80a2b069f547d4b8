"""Index fixtures: a small real data dir (a few real entries) so that building stays cheap.

`small_index` is built once per session; tests that change files get a private copy of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.embedders.base import Embedder
from bot.engine import Engine
from bot.settings import ROOT

# Enough entries for more than one embedding batch (32 texts), few enough to build quickly.
SMALL_ENTRIES = 4


def _write_small_data(dest: Path) -> Path:
    src = ROOT / "data"
    dest.mkdir(parents=True)
    lines = [line for line in (src / "faq.jsonl").read_text("utf-8").splitlines() if line.strip()]
    (dest / "faq.jsonl").write_text("\n".join(lines[:SMALL_ENTRIES]) + "\n", encoding="utf-8")
    shutil.copyfile(src / "synonyms.tsv", dest / "synonyms.tsv")
    if (src / "negatives.jsonl").is_file():
        negatives = (src / "negatives.jsonl").read_text("utf-8").splitlines()[:3]
        (dest / "negatives.jsonl").write_text("\n".join(negatives) + "\n", encoding="utf-8")
    return dest


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    """data/ with the first few real entries, the real synonyms and a few real negatives."""
    return _write_small_data(tmp_path / "data")


@pytest.fixture(scope="session")
def small_engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    """Engine.open on small data and an empty index folder: the build-on-first-use path, once."""
    root = tmp_path_factory.mktemp("small_index")
    data_dir = _write_small_data(root / "data")
    return Engine.open(data_dir, root / "index", embedder)


@pytest.fixture(scope="session")
def small_index(small_engine: Engine) -> tuple[Path, Path]:
    """(data_dir, index_dir) of the small index. Read only: use small_index_copy to change anything."""
    index_dir = small_engine.index.path.parent
    return index_dir.parent / "data", index_dir


@pytest.fixture
def small_index_copy(small_index: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    data_dir, index_dir = small_index
    shutil.copytree(data_dir, tmp_path / "data")
    shutil.copytree(index_dir, tmp_path / "index")
    return tmp_path / "data", tmp_path / "index"
