"""Build index/ atomically: everything is written into a fresh folder, then CURRENT is switched.

`write_build` makes the folder only; `build_index` also makes it current (`faqbot publish` gates
the folder in between, see bot/publish).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from bot.embedders.base import Embedder
from bot.index.documents import dense_docs, lexical_documents
from bot.index.negatives import NEGATIVES_FILE
from bot.index.pointer import partial_build_dir
from bot.index.store import (
    DENSE_KEYS_FILE,
    FIELD_FILE,
    FORMAT_VERSION,
    META_FILE,
    NEGATIVE_KEYS_FILE,
    OWNER_FILE,
    SNAPSHOT_DIR,
)
from bot.ingest.store import FAQ_FILE
from bot.models import FaqEntry
from bot.retrieval.abstain import ABSTAIN_FILE
from bot.text.analyzer import Analyzer
from bot.text.synonyms import SYNONYMS_FILE

_BATCH = 32
# (step, done, total): texts embedded so far, for a progress bar outside the terminal.
Progress = Callable[[str, int, int], None]
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


def _key(text: str, kind: bytes) -> bytes:
    return hashlib.blake2b(kind + text.encode("utf-8"), digest_size=16).digest()


def _reusable(index_dir: Path, embedder: Embedder) -> dict[bytes, np.ndarray]:
    """Vectors of the current build by text key, when it was made by this embedder exactly.

    A publish usually changes a few phrasings; embedding every text again would cost minutes on
    two cores. Only a flat index gives its vectors back unchanged, so an approximate one is skipped.
    """
    from bot.index.pointer import read_current

    name = read_current(index_dir)
    if name is None:
        return {}
    build = index_dir / name
    try:
        meta = json.loads((build / META_FILE).read_text(encoding="utf-8"))
        if meta.get("embedder_id") != embedder.id or meta.get("dense_kind") != "flat":
            return {}
        known: dict[bytes, np.ndarray] = {}
        for keys_file, index_file in (
            (DENSE_KEYS_FILE, "dense.faiss"),
            (NEGATIVE_KEYS_FILE, "negatives.faiss"),
        ):
            keys = np.load(build / keys_file)
            index = faiss.read_index(str(build / index_file))
            if index.ntotal != len(keys) or index.d != embedder.dim:
                return {}
            vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else []
            known.update(zip((bytes(k) for k in keys), vectors, strict=True))
        return known
    except (OSError, ValueError, KeyError, RuntimeError):
        return {}  # an older build without keys, or a damaged one: embed everything


def _vectors(
    embed: Callable[[list[str]], np.ndarray],
    dim: int,
    texts: list[str],
    keys: list[bytes],
    known: dict[bytes, np.ndarray],
    desc: str,
    progress: bool,
    on_progress: Progress | None,
) -> np.ndarray:
    todo = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in known))
    chunks = [todo[i : i + _BATCH] for i in range(0, len(todo), _BATCH)]
    fresh: dict[str, np.ndarray] = {}
    done = 0
    if on_progress is not None:
        on_progress(desc, 0, len(todo))
    for chunk in tqdm(chunks, desc=desc, unit="batch", disable=not progress or not chunks):
        fresh.update(zip(chunk, embed(chunk), strict=True))
        done += len(chunk)
        if on_progress is not None:
            on_progress(desc, done, len(todo))
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    rows = [known[k] if k in known else fresh[t] for t, k in zip(texts, keys, strict=True)]
    return np.vstack(rows).astype(np.float32)


def _snapshot(tmp: Path, entries: list[FaqEntry], data_dir: Path) -> None:
    """The data the build was made from, inside the build: a server can keep answering from it
    (entries, synonyms, abstain model) after data/ has moved on, until a publish."""
    snap = tmp / SNAPSHOT_DIR
    snap.mkdir()
    # The same serialisation data_fingerprint(data_dir, entries) hashes.
    (snap / FAQ_FILE).write_text("".join(e.model_dump_json() + "\n" for e in entries), encoding="utf-8")
    for name in (SYNONYMS_FILE, NEGATIVES_FILE, ABSTAIN_FILE):
        if (data_dir / name).is_file():
            shutil.copyfile(data_dir / name, snap / name)


def write_build(
    entries: list[FaqEntry],
    analyzer: Analyzer,
    embedder: Embedder,
    index_dir: Path,
    data_hash: str,
    progress: bool = False,
    negatives: list[str] | None = None,
    approximate_from: int = APPROXIMATE_FROM,
    data_dir: Path | None = None,
    on_progress: Progress | None = None,
    reuse: bool = True,
) -> Path:
    """Write a complete new build folder under index_dir without making it current.

    `data_dir` adds a snapshot of the data it was built from; `reuse` takes the vectors of texts
    the current build already holds (same embedder) instead of embedding them again.
    """
    import bm25s

    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    # Unique per build: two builds in the same second (or two workers) must not collide.
    build = index_dir / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{data_hash[:8]}-{uuid.uuid4().hex[:6]}"
    tmp = partial_build_dir(index_dir, build.name)
    try:
        known = _reusable(index_dir, embedder) if reuse else {}
        docs = dense_docs(entries, analyzer)
        texts = [d.text for d in docs]
        keys = [_key(t, b"d:") for t in texts]
        vectors = _vectors(
            embedder.embed_documents,
            embedder.dim,
            texts,
            keys,
            known,
            "embedding entries",
            progress,
            on_progress,
        )
        dense, dense_kind = dense_index(vectors, approximate_from)
        faiss.write_index(dense, str(tmp / "dense.faiss"))
        np.save(tmp / DENSE_KEYS_FILE, np.array(keys, dtype="S16"))
        # Known out-of-scope questions, as queries would phrase them: neighbours that argue "abstain".
        negative_index = faiss.IndexFlatIP(embedder.dim)
        negative_texts = negatives or []
        negative_keys = [_key(t, b"q:") for t in negative_texts]
        if negative_texts:
            negative_index.add(
                _vectors(
                    embedder.embed_queries,
                    embedder.dim,
                    negative_texts,
                    negative_keys,
                    known,
                    "embedding negatives",
                    progress,
                    on_progress,
                )
            )
        faiss.write_index(negative_index, str(tmp / "negatives.faiss"))
        np.save(tmp / NEGATIVE_KEYS_FILE, np.array(negative_keys, dtype="S16"))
        fields = sorted({d.field for d in docs})
        # Arrays, not JSON objects: at 100k entries there are ~2M vectors to map back to entries.
        np.save(tmp / OWNER_FILE, np.array([d.no for d in docs], dtype=np.int64))
        np.save(tmp / FIELD_FILE, np.array([fields.index(d.field) for d in docs], dtype=np.uint8))

        if on_progress is not None:
            on_progress("bm25", 0, 1)
        words, readings = lexical_documents(entries, analyzer)
        for name, corpus in (("bm25", words), ("bm25_reading", readings)):
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
            bm25.save(str(tmp / name), show_progress=False)
        if data_dir is not None:
            _snapshot(tmp, entries, data_dir)

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
    if on_progress is not None:
        on_progress("bm25", 1, 1)
    return build


def build_index(
    entries: list[FaqEntry],
    analyzer: Analyzer,
    embedder: Embedder,
    index_dir: Path,
    data_hash: str,
    progress: bool = False,
    negatives: list[str] | None = None,
    approximate_from: int = APPROXIMATE_FROM,
    data_dir: Path | None = None,
    reuse: bool = False,
) -> Path:
    """Write a new build beside the current one and switch to it (no gate: `faqbot publish` has
    one); returns the new build's folder. Everything is embedded afresh unless `reuse`."""
    from bot.index.pointer import index_lock, make_current, prune_builds

    build = write_build(
        entries,
        analyzer,
        embedder,
        index_dir,
        data_hash,
        progress=progress,
        negatives=negatives,
        approximate_from=approximate_from,
        data_dir=data_dir,
        reuse=reuse,
    )
    # Waits for a publish in progress: its gate may be reading a build pruning would remove.
    with index_lock(index_dir, wait=True):
        make_current(index_dir, build.name)
        prune_builds(index_dir)
    return build
