"""Build index/ atomically: everything is written into a fresh folder, then CURRENT is switched."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from bot.embedders.base import Embedder
from bot.fsutil import atomic_write_text
from bot.index.documents import dense_docs, lexical_documents
from bot.index.negatives import NEGATIVES_FILE
from bot.index.store import CURRENT_FILE, FIELD_FILE, FORMAT_VERSION, META_FILE, OWNER_FILE
from bot.ingest.store import FAQ_FILE
from bot.models import FaqEntry
from bot.text.analyzer import Analyzer
from bot.text.synonyms import SYNONYMS_FILE

_BATCH = 32
# Past this many vectors the dense index is approximate: HNSW over 8-bit scalar-quantised codes.
# Exact search costs ~dim multiply-adds per vector per query (1.7M vectors: ~100 ms), and float32
# vectors need 1.5 KB each; SQ8 cuts that to 384 B (see docs/PERFORMANCE.md for recall and speed).
APPROXIMATE_FROM = 200_000
HNSW_NEIGHBOURS = 32


def dense_index(vectors: np.ndarray, approximate_from: int = APPROXIMATE_FROM) -> tuple[faiss.Index, str]:
    """The dense index for these (L2-normalised) vectors and its kind, "flat" or "hnsw"."""
    n, dim = vectors.shape
    if n < approximate_from:
        flat = faiss.IndexFlatIP(dim)
        flat.add(vectors)
        return flat, "flat"
    qtype = faiss.ScalarQuantizer.QT_8bit
    hnsw = faiss.IndexHNSWSQ(dim, qtype, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
    hnsw.hnsw.efConstruction = 80
    hnsw.train(vectors)
    hnsw.add(vectors)
    return hnsw, "hnsw"


def data_fingerprint(data_dir: Path, entries: list[FaqEntry] | None = None) -> str:
    """Hash of everything in data/ that changes what the index holds (`entries` replaces faq.jsonl)."""
    h = hashlib.sha256()
    for name in (FAQ_FILE, SYNONYMS_FILE, NEGATIVES_FILE):
        path = data_dir / name
        h.update(name.encode())
        if name == FAQ_FILE and entries is not None:
            h.update("".join(e.model_dump_json() + "\n" for e in entries).encode())
        else:
            h.update(path.read_bytes() if path.is_file() else b"")
    return h.hexdigest()[:16]


def _embed(embedder: Embedder, texts: list[str], desc: str, progress: bool) -> np.ndarray:
    chunks = [texts[i : i + _BATCH] for i in range(0, len(texts), _BATCH)]
    vectors = [np.zeros((0, embedder.dim), dtype=np.float32)]
    for chunk in tqdm(chunks, desc=desc, unit="batch", disable=not progress):
        vectors.append(embedder.embed_documents(chunk))
    return np.vstack(vectors).astype(np.float32)


def build_index(
    entries: list[FaqEntry],
    analyzer: Analyzer,
    embedder: Embedder,
    index_dir: Path,
    data_hash: str,
    progress: bool = False,
    negatives: list[str] | None = None,
    approximate_from: int = APPROXIMATE_FROM,
) -> Path:
    """Write a new build beside the current one and switch to it; returns the new build's folder."""
    import bm25s

    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    # Unique per build: two builds in the same second (or two workers) must not collide.
    build = index_dir / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{data_hash[:8]}-{uuid.uuid4().hex[:6]}"
    tmp = Path(tempfile.mkdtemp(dir=index_dir, prefix=f".{build.name}.", suffix=".tmp"))
    try:
        docs = dense_docs(entries, analyzer)
        vectors = _embed(embedder, [d.text for d in docs], "embedding entries", progress)
        dense, dense_kind = dense_index(vectors, approximate_from)
        faiss.write_index(dense, str(tmp / "dense.faiss"))
        # Known out-of-scope questions, as queries would phrase them: neighbours that argue "abstain".
        negative_index = faiss.IndexFlatIP(embedder.dim)
        negative_texts = negatives or []
        if negative_texts:
            negative_index.add(embedder.embed_queries(negative_texts))
        faiss.write_index(negative_index, str(tmp / "negatives.faiss"))
        fields = sorted({d.field for d in docs})
        # Arrays, not JSON objects: at 100k entries there are ~2M vectors to map back to entries.
        np.save(tmp / OWNER_FILE, np.array([d.no for d in docs], dtype=np.int64))
        np.save(tmp / FIELD_FILE, np.array([fields.index(d.field) for d in docs], dtype=np.uint8))

        words, readings = lexical_documents(entries, analyzer)
        for name, corpus in (("bm25", words), ("bm25_reading", readings)):
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
            bm25.save(str(tmp / name), show_progress=False)

        meta = {
            "format_version": FORMAT_VERSION,
            "embedder_id": embedder.id,
            "dim": embedder.dim,
            "data_hash": data_hash,
            "analyzer": analyzer.fingerprint,
            "entries": [e.no for e in entries],
            "dense_vectors": len(docs),
            "dense_kind": dense_kind,
            "dense_fields": fields,
            "negative_vectors": len(negative_texts),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.rename(build)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    atomic_write_text(index_dir / CURRENT_FILE, build.name + "\n")
    _prune(index_dir, keep=build.name)
    return build


def _prune(index_dir: Path, keep: str) -> None:
    # Older builds may still be open in a running server until it reloads; keep the newest two.
    builds = sorted(p for p in index_dir.glob("build-*") if p.is_dir() and p.name != keep)
    for old in builds[:-1]:
        shutil.rmtree(old, ignore_errors=True)
