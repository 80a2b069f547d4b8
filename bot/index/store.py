"""Load index/ and check it is the index for this data and this embedder."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import faiss
import numpy as np
import numpy.typing as npt

from bot.errors import IndexCorruptError, IndexNotFoundError, StaleIndexError

FORMAT_VERSION = 4
META_FILE = "meta.json"
CURRENT_FILE = "CURRENT"
OWNER_FILE = "dense_owner.npy"  # per dense vector: its FAQ number
FIELD_FILE = "dense_field.npy"  # per dense vector: its field, as a position in meta["dense_fields"]
# per vector: a hash of the text embedded, so the next build can reuse vectors of unchanged texts
DENSE_KEYS_FILE = "dense_keys.npy"
NEGATIVE_KEYS_FILE = "negative_keys.npy"
SNAPSHOT_DIR = "data"  # in a build: the data it was built from (see bot.index.build._snapshot)
# Memory-mapped, read-only: workers on one host share the vectors' pages instead of copying them.
_FAISS_READ_FLAGS = faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY


@dataclass(frozen=True)
class LoadedIndex:
    path: Path
    meta: dict[str, Any]
    dense: Any  # faiss.Index (no type stubs)
    negatives: Any  # faiss.Index of known out-of-scope questions (may be empty)
    dense_owner: npt.NDArray[np.int64]  # per dense vector: its FAQ number
    dense_field: npt.NDArray[np.str_]  # per dense vector: its field name
    bm25: Any  # bm25s.BM25 over content words
    bm25_reading: Any  # bm25s.BM25 over reading-key n-grams
    entry_nos: tuple[int, ...]


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT_FILE
    if not pointer.is_file():
        raise IndexNotFoundError(f"no index in {index_dir}: run `faqbot index`")
    build = index_dir / pointer.read_text(encoding="utf-8").strip()
    if not (build / META_FILE).is_file():
        raise IndexNotFoundError(f"{pointer} names {build.name}, which is missing: run `faqbot index`")
    return build


def read_meta(build: Path) -> dict[str, Any]:
    """meta.json of a build folder."""
    meta: dict[str, Any] = json.loads((build / META_FILE).read_text(encoding="utf-8"))
    return meta


def load_index(
    index_dir: Path, embedder_id: str, dim: int, data_hash: str, analyzer: str, build: Path | None = None
) -> LoadedIndex:
    """Load `build` (default: the one index/CURRENT names) after checking it fits."""
    import bm25s

    build = build if build is not None else current_build(index_dir)
    meta = _read(build, META_FILE, lambda: json.loads((build / META_FILE).read_text(encoding="utf-8")))
    if not isinstance(meta, dict):
        raise IndexCorruptError(f"index {build} is damaged: {META_FILE} is not an object. {_REBUILD}")
    problems = []
    if meta.get("format_version") != FORMAT_VERSION:
        problems.append(f"format version {meta.get('format_version')} (this faqbot reads {FORMAT_VERSION})")
    if meta.get("embedder_id") != embedder_id or meta.get("dim") != dim:
        problems.append(f"built with embedder {meta.get('embedder_id')!r}, configured {embedder_id!r}")
    if meta.get("data_hash") != data_hash:
        problems.append("data/ changed since the index was built")
    if meta.get("analyzer") != analyzer:
        problems.append("the text analyzer (stopwords, typo table, synonyms or dictionary) changed")
    if problems:
        raise StaleIndexError(
            f"index {build} is stale: {'; '.join(problems)}. Run `faqbot index` to rebuild it."
        )

    fields = _read(build, META_FILE, lambda: np.array(meta["dense_fields"], dtype=np.str_))

    def bm25(name: str) -> Any:
        return _read(build, name, lambda: bm25s.BM25.load(str(build / name), show_progress=False, mmap=True))

    dense_path = str(build / "dense.faiss")
    loaded = LoadedIndex(
        path=build,
        meta=meta,
        dense=_read(build, "dense.faiss", lambda: faiss.read_index(dense_path, _FAISS_READ_FLAGS)),
        negatives=_read(build, "negatives.faiss", lambda: faiss.read_index(str(build / "negatives.faiss"))),
        dense_owner=_read(build, OWNER_FILE, lambda: np.load(build / OWNER_FILE, mmap_mode="r")),
        dense_field=_read(build, FIELD_FILE, lambda: fields[np.load(build / FIELD_FILE)]),
        bm25=bm25("bm25"),
        bm25_reading=bm25("bm25_reading"),
        entry_nos=_read(build, META_FILE, lambda: tuple(int(n) for n in meta["entries"])),
    )
    _check_sizes(loaded, dim)
    return loaded


# Build folders are written whole and renamed into place, so a damaged one was damaged afterwards:
# a disk error, a copy cut short, a hand edit. Whatever the reader raised, the cure is a rebuild.
_REBUILD = "Run `faqbot index` to rebuild it."
_DAMAGE = (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, RuntimeError)
T = TypeVar("T")


def _read(build: Path, name: str, read: Callable[[], T]) -> T:
    try:
        return read()
    except _DAMAGE as exc:
        # faiss prefixes its reason with the C++ function and source line: keep the reason.
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        reason = lines[-1].rsplit("Error: ", 1)[-1][:200]
        raise IndexCorruptError(
            f"index {build} is damaged: {name} cannot be read ({reason}). {_REBUILD}"
        ) from exc


def _check_sizes(index: LoadedIndex, dim: int) -> None:
    """The files must describe the same vectors: a mix of two builds reads fine and answers wrong."""
    vectors = index.meta.get("dense_vectors")
    counts = {
        "dense.faiss": int(index.dense.ntotal),
        OWNER_FILE: len(index.dense_owner),
        FIELD_FILE: len(index.dense_field),
    }
    if len(set(counts.values())) != 1 or (vectors is not None and counts["dense.faiss"] != vectors):
        found = ", ".join(f"{name} {n}" for name, n in counts.items())
        raise IndexCorruptError(
            f"index {index.path} is damaged: its files disagree on the number of vectors "
            f"(meta.json {vectors}, {found}). {_REBUILD}"
        )
    if int(index.dense.d) != dim:
        raise IndexCorruptError(
            f"index {index.path} is damaged: dense.faiss holds {index.dense.d}-dimensional vectors, "
            f"meta.json says {dim}. {_REBUILD}"
        )
