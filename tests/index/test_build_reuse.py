"""A build reuses the current build's vectors for texts it already embedded; the result is the
index a fresh build makes."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.embedders.base import Embedder, Vectors, WrappedEmbedder
from bot.index import data_fingerprint
from bot.index.build import build_index, write_build
from bot.index.negatives import load_negatives
from bot.index.pointer import read_current
from bot.index.store import SNAPSHOT_DIR, load_index
from bot.ingest import load_entries
from bot.text.analyzer import Analyzer
from bot.text.synonyms import Synonyms


class Counting(WrappedEmbedder):
    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self.documents = 0
        self.queries = 0

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.documents += len(texts)
        return self._inner.embed_documents(texts)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        self.queries += len(texts)
        return self._inner.embed_queries(texts)


def _write(data: Path, index: Path, embedder: Embedder, reuse: bool) -> Path:
    entries = load_entries(data)
    return write_build(
        entries,
        Analyzer(Synonyms.load(data)),
        embedder,
        index,
        data_fingerprint(data, entries),
        negatives=load_negatives(data),
        data_dir=data,
        reuse=reuse,
    )


def _load(build: Path, embedder: Embedder, data: Path) -> Vectors:
    entries = load_entries(data)
    analyzer = Analyzer(Synonyms.load(data)).fingerprint
    loaded = load_index(
        build.parent, embedder.id, embedder.dim, data_fingerprint(data, entries), analyzer, build
    )
    out: Vectors = loaded.dense.reconstruct_n(0, loaded.dense.ntotal)
    return out


def test_reused_vectors_equal_fresh_ones(
    small_index_copy: tuple[Path, Path], embedder: Embedder, tmp_path: Path
) -> None:
    data, index = small_index_copy
    current = read_current(index)
    first = load_entries(data)[0]
    lines = (data / "faq.jsonl").read_text("utf-8").splitlines()
    lines[0] = first.model_copy(
        update={"alt_questions": (*first.alt_questions, "時刻はどこに合わせる？")}
    ).model_dump_json()
    (data / "faq.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    counting = Counting(embedder)
    reused = _write(data, index, counting, reuse=True)
    assert read_current(index) == current  # write_build never switches
    assert 1 <= counting.documents <= 5 and counting.queries == 0  # negatives unchanged: all reused
    assert (reused / SNAPSHOT_DIR / "faq.jsonl").read_text("utf-8").count("時刻はどこに合わせる？") == 1

    fresh_dir = tmp_path / "fresh"
    fresh_dir.mkdir()
    fresh = _write(data, fresh_dir, embedder, reuse=False)
    np.testing.assert_allclose(_load(reused, embedder, data), _load(fresh, embedder, data), atol=1e-4)


def test_faqbot_index_embeds_everything_afresh(
    small_index_copy: tuple[Path, Path], embedder: Embedder
) -> None:
    data, index = small_index_copy
    counting = Counting(embedder)
    entries = load_entries(data)
    build = build_index(
        entries,
        Analyzer(Synonyms.load(data)),
        counting,
        index,
        data_fingerprint(data, entries),
        data_dir=data,
    )
    assert read_current(index) == build.name
    assert (
        counting.documents
        == load_index(
            index,
            embedder.id,
            embedder.dim,
            data_fingerprint(data, entries),
            Analyzer(Synonyms.load(data)).fingerprint,
        ).dense.ntotal
    )
    shutil.rmtree(build)
