"""Load index/ and check it is the index for this data and this embedder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from bot.errors import IndexNotFoundError, StaleIndexError

FORMAT_VERSION = 4
META_FILE = "meta.json"
CURRENT_FILE = "CURRENT"
OWNER_FILE = "dense_owner.npy"  # per dense vector: its FAQ number
FIELD_FILE = "dense_field.npy"  # per dense vector: its field, as a position in meta["dense_fields"]
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


def load_index(
    index_dir: Path, embedder_id: str, dim: int, data_hash: str, analyzer: str
) -> LoadedIndex:
    import bm25s

    build = current_build(index_dir)
    meta = json.loads((build / META_FILE).read_text(encoding="utf-8"))
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

    fields = np.array(meta["dense_fields"], dtype=np.str_)
    return LoadedIndex(
        path=build,
        meta=meta,
        dense=faiss.read_index(str(build / "dense.faiss"), _FAISS_READ_FLAGS),
        negatives=faiss.read_index(str(build / "negatives.faiss")),
        dense_owner=np.load(build / OWNER_FILE, mmap_mode="r"),
        dense_field=fields[np.load(build / FIELD_FILE)],
        bm25=bm25s.BM25.load(str(build / "bm25"), show_progress=False, mmap=True),
        bm25_reading=bm25s.BM25.load(str(build / "bm25_reading"), show_progress=False, mmap=True),
        entry_nos=tuple(int(n) for n in meta["entries"]),
    )
