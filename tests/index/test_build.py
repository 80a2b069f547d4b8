"""build_index / load_index on disk: meta.json, staleness, missing index, atomic rebuilds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.embedders.base import Embedder, Vectors, WrappedEmbedder
from bot.engine import Engine
from bot.errors import IndexNotFoundError, StaleIndexError
from bot.index import build_index, data_fingerprint, load_index
from bot.index.documents import dense_docs
from bot.index.negatives import load_negatives
from bot.index.store import CURRENT_FILE, FORMAT_VERSION, META_FILE, current_build
from bot.ingest import load_entries
from bot.text.analyzer import Analyzer
from bot.text.synonyms import Synonyms


def _analyzer_id(data_dir: Path) -> str:
    return Analyzer(Synonyms.load(data_dir)).fingerprint


def _build(data_dir: Path, index_dir: Path, embedder: Embedder) -> Path:
    return build_index(
        load_entries(data_dir),
        Analyzer(Synonyms.load(data_dir)),
        embedder,
        index_dir,
        data_fingerprint(data_dir),
        negatives=load_negatives(data_dir),
    )


class FailingEmbedder(WrappedEmbedder):
    """The real embedder, except that embed_documents raises on call number `fail_on` (1-based)."""

    def __init__(self, inner: Embedder, fail_on: int) -> None:
        super().__init__(inner)
        self._fail_on = fail_on
        self.document_calls = 0

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.document_calls += 1
        if self.document_calls == self._fail_on:
            raise RuntimeError("embedding backend died midway")
        return self._inner.embed_documents(texts)


def test_build_writes_self_describing_meta(small_index: tuple[Path, Path], embedder: Embedder) -> None:
    small_data, index_dir = small_index
    build = current_build(index_dir)
    meta = json.loads((build / META_FILE).read_text("utf-8"))
    entries = load_entries(small_data)
    assert meta["embedder_id"] == embedder.id
    assert meta["dim"] == embedder.dim == 384
    assert meta["data_hash"] == data_fingerprint(small_data)
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["entries"] == [e.no for e in entries]
    assert meta["negative_vectors"] == len(load_negatives(small_data))
    assert (index_dir / CURRENT_FILE).read_text("utf-8").strip() == build.name

    loaded = load_index(
        index_dir, embedder.id, embedder.dim, data_fingerprint(small_data), _analyzer_id(small_data)
    )
    assert loaded.path == build
    assert loaded.dense.ntotal == meta["dense_vectors"] == len(dense_docs(entries, Analyzer()))
    assert loaded.negatives.ntotal == meta["negative_vectors"]
    assert set(loaded.dense_owner) == {e.no for e in entries}


def test_index_vectors_are_the_embedder_document_vectors(
    small_index: tuple[Path, Path], embedder: Embedder
) -> None:
    small_data, index_dir = small_index
    loaded = load_index(
        index_dir, embedder.id, embedder.dim, data_fingerprint(small_data), _analyzer_id(small_data)
    )
    docs = dense_docs(load_entries(small_data), Analyzer())
    # The stored question vector of the first entry finds itself with cosine ~1.
    q = embedder.embed_documents([docs[0].text])
    sims, ids = loaded.dense.search(q, 1)
    assert ids[0][0] == 0 and sims[0][0] == pytest.approx(1.0, abs=1e-4)


def test_other_embedder_makes_the_index_stale(small_index: tuple[Path, Path], embedder: Embedder) -> None:
    small_data, index_dir = small_index
    with pytest.raises(StaleIndexError) as info:
        load_index(
            index_dir,
            "st/some-other-model/q=''/d=''",
            embedder.dim,
            data_fingerprint(small_data),
            _analyzer_id(small_data),
        )
    assert "faqbot index" in str(info.value)
    assert "some-other-model" in str(info.value)


@pytest.mark.parametrize("changed", ["faq.jsonl", "synonyms.tsv"])
def test_changed_data_makes_the_index_stale(
    small_index_copy: tuple[Path, Path], embedder: Embedder, changed: str
) -> None:
    small_data, index_dir = small_index_copy
    load_index(
        index_dir, embedder.id, embedder.dim, data_fingerprint(small_data), _analyzer_id(small_data)
    )  # fresh before the edit
    path = small_data / changed
    if changed == "faq.jsonl":
        path.write_text(path.read_text("utf-8").replace("ございます", "あります", 1), encoding="utf-8")
    else:
        path.write_text(path.read_text("utf-8") + "ぷらっとふぉーむ\tプラットフォーム\n", encoding="utf-8")
    with pytest.raises(StaleIndexError, match="faqbot index") as info:
        load_index(
            index_dir, embedder.id, embedder.dim, data_fingerprint(small_data), _analyzer_id(small_data)
        )
    assert "data/ changed" in str(info.value)
    # Engine.open does not silently serve (or rebuild) a stale index.
    with pytest.raises(StaleIndexError, match="faqbot index"):
        Engine.open(small_data, index_dir, embedder)


def test_no_index_raises_index_not_found(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexNotFoundError, match="faqbot index"):
        load_index(tmp_path / "empty", embedder.id, embedder.dim, "0" * 16, Analyzer().fingerprint)


def test_current_pointing_at_a_missing_build_is_not_found(tmp_path: Path) -> None:
    (tmp_path / CURRENT_FILE).write_text("build-20260101-000000-deadbeef\n", encoding="utf-8")
    with pytest.raises(IndexNotFoundError, match="build-20260101-000000-deadbeef"):
        current_build(tmp_path)


def test_engine_open_builds_a_missing_index(small_engine: Engine, small_index: tuple[Path, Path]) -> None:
    small_data, index_dir = small_index  # small_engine was opened on an empty index folder
    assert (index_dir / CURRENT_FILE).is_file()
    assert small_engine.index.path == current_build(index_dir)
    assert small_engine.index.meta["data_hash"] == data_fingerprint(small_data)
    assert small_engine.index.entry_nos == tuple(e.no for e in load_entries(small_data))
    # The built index answers: each entry's own question retrieves that entry first.
    for entry in small_engine.entries.values():
        assert small_engine.retrieve(entry.question).hits[0].no == entry.no


def test_engine_open_without_build_if_missing_raises(
    small_data: Path, tmp_path: Path, embedder: Embedder
) -> None:
    with pytest.raises(IndexNotFoundError, match="faqbot index"):
        Engine.open(small_data, tmp_path / "none", embedder, build_if_missing=False)
    assert not (tmp_path / "none").exists()


def test_failed_rebuild_keeps_the_previous_build(
    small_index_copy: tuple[Path, Path], embedder: Embedder
) -> None:
    small_data, index_dir = small_index_copy
    previous = current_build(index_dir)
    current_before = (index_dir / CURRENT_FILE).read_bytes()
    listing_before = sorted(p.name for p in index_dir.iterdir())

    failing = FailingEmbedder(embedder, fail_on=2)
    with pytest.raises(RuntimeError, match="died midway"):
        _build(small_data, index_dir, failing)
    assert failing.document_calls == 2  # it really failed midway, after one batch was written

    assert (index_dir / CURRENT_FILE).read_bytes() == current_before
    assert sorted(p.name for p in index_dir.iterdir()) == listing_before  # no half-written build left
    loaded = load_index(
        index_dir, embedder.id, embedder.dim, data_fingerprint(small_data), _analyzer_id(small_data)
    )
    assert loaded.path == previous
    assert loaded.dense.ntotal == len(dense_docs(load_entries(small_data), Analyzer()))


def test_rebuilds_keep_the_newest_two_builds(small_data: Path, tmp_path: Path, embedder: Embedder) -> None:
    index_dir = tmp_path / "index"
    entries = load_entries(small_data)[:1]
    builds = [
        build_index(entries, Analyzer(), embedder, index_dir, digit * 16)
        for digit in ("1", "2", "3")  # distinct data hashes, so names differ even within one second
    ]
    remaining = sorted(p.name for p in index_dir.glob("build-*"))
    assert remaining == sorted(b.name for b in builds[1:])
    assert current_build(index_dir) == builds[-1]


def test_two_builds_of_the_same_data_in_one_second(
    small_data: Path, tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time as real_time

    import bot.index.build as build_module

    class SameSecond:
        """time, with the wall clock stopped: every build happens in the same second."""

        def __getattr__(self, name: str) -> object:
            return getattr(real_time, name)

        def strftime(self, fmt: str, *args: object) -> str:
            return real_time.strftime(fmt, real_time.localtime(1_780_000_000))

    monkeypatch.setattr(build_module, "time", SameSecond())
    entries = load_entries(small_data)[:1]
    first = build_index(entries, Analyzer(), embedder, tmp_path / "index", "a" * 16)
    second = build_index(entries, Analyzer(), embedder, tmp_path / "index", "a" * 16)
    assert second != first
    assert current_build(tmp_path / "index") == second


def test_fingerprint_ignores_files_outside_the_index_inputs(small_data: Path) -> None:
    before = data_fingerprint(small_data)
    (small_data / "abstain.json").write_text("{}", encoding="utf-8")
    (small_data / "notes.txt").write_text("memo", encoding="utf-8")
    assert data_fingerprint(small_data) == before
    (small_data / "negatives.jsonl").write_text('{"question": "今日の天気は？"}\n', encoding="utf-8")
    assert data_fingerprint(small_data) != before


def test_loaded_rows_are_normalised(small_index: tuple[Path, Path], embedder: Embedder) -> None:
    small_data, index_dir = small_index
    loaded = load_index(
        index_dir, embedder.id, embedder.dim, data_fingerprint(small_data), _analyzer_id(small_data)
    )
    vectors = loaded.dense.reconstruct_n(0, loaded.dense.ntotal)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_changed_analyzer_makes_the_index_stale(
    small_index: tuple[Path, Path], embedder: Embedder, tmp_path: Path
) -> None:
    small_data, index_dir = small_index
    other = Analyzer(Synonyms((("vm", "仮想マシン"),))).fingerprint
    assert other != _analyzer_id(small_data)
    with pytest.raises(StaleIndexError, match="analyzer"):
        load_index(index_dir, embedder.id, embedder.dim, data_fingerprint(small_data), other)
