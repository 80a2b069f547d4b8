"""Synthetic FAQs of any size made from the real one, and vectors for them without the embedder.

`synthetic_corpus` keeps the real entries (numbers 1..48, so real questions still have their
answers) and adds perturbed copies: each copy names a product of its own (a made-up katakana word
and a number), swaps FAQ words for the variants users write (data/synonyms.tsv), and reorders or
drops answer lines. Every copy therefore has texts and BM25 vocabulary of its own, and keeps its
base entry's category. Seeded: the same (entries, n, seed) always gives the same corpus.

Embedding 100k entries for real takes hours on two cores, so `SyntheticVectors` stands in for the
embedder at large sizes: each text of a copy gets the real vector of the base entry's text it was
made from (same field, most characters in common) plus Gaussian noise, re-normalised. The noise is
calibrated so a copy sits as far from its base as a really embedded copy does.
"""

from __future__ import annotations

import html
import json
import math
import random
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from bot.embedders.base import Embedder, Vectors, l2_normalize
from bot.fsutil import atomic_write_text
from bot.index.build import APPROXIMATE_FROM, dense_index
from bot.index.documents import HEADING, DenseDoc, Derivation
from bot.index.store import CURRENT_FILE, FIELD_FILE, FORMAT_VERSION, META_FILE, OWNER_FILE, LoadedIndex
from bot.models import FaqEntry
from bot.text.analyzer import Analyzer
from bot.text.synonyms import SYNONYMS_FILE

_MORAE = tuple(
    "アイウエオカキクケコサシスセソタチツテトナニヌネノ"
    "ハヒフヘホマミムメモラリルレロガギグゲゴダデドバビブベボ"
)
_KINDS = ("システム", "サービス", "連携基盤", "ゲートウェイ", "ポータル", "端末", "クラウド", "監視ツール")
_QUESTION_FORMS = ("{name}の場合、{q}", "{name}を利用しています。{q}", "{q}（{name}）", "{name}について：{q}")
_SWAP_SHARE = 0.5  # of the FAQ words that have user variants, this share is respelled in a copy
_DROP_SHARE = 0.3  # copies that lose one answer line (when the answer has three or more)
_REORDER_SHARE = 0.5  # copies whose answer has two body lines swapped
# When no embedder is at hand to calibrate: e5 puts a reworded copy at cosine ~0.95 to its base.
DEFAULT_COSINE = 0.95
_NOISE_BLOCK = 4096


@dataclass(frozen=True)
class SyntheticCorpus:
    entries: list[FaqEntry]
    base_of: dict[int, int]  # entry number -> the real entry it was made from (real ones: itself)


def load_variants(data_dir: Path) -> dict[str, tuple[str, ...]]:
    """FAQ word -> the variants users write for it, as spelled in data/synonyms.tsv."""
    out: dict[str, list[str]] = {}
    path = data_dir / SYNONYMS_FILE
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    for line in lines:
        cols = line.split("\t")
        if line.startswith("#") or len(cols) != 2 or not cols[0].strip() or not cols[1].strip():
            continue
        variant = cols[0].strip()
        # English words read oddly inside Japanese sentences; abbreviations (VM, PF) are how people write.
        if not variant.isascii() or (variant.isupper() and " " not in variant):
            out.setdefault(cols[1].strip(), []).append(variant)
    return {canonical: tuple(vs) for canonical, vs in out.items()}


def synthetic_corpus(
    real: Sequence[FaqEntry], n: int, variants: dict[str, tuple[str, ...]], seed: int = 0
) -> SyntheticCorpus:
    """`n` entries numbered 1..n: the real ones first (renumbered in order), then perturbed copies."""
    if n < 1 or not real:
        raise ValueError(f"a synthetic corpus needs n >= 1 and real entries (n={n}, {len(real)} real)")
    rng = random.Random(seed)
    ordered = sorted(real, key=lambda e: e.no)
    kept = [e.model_copy(update={"no": i}) for i, e in enumerate(ordered[:n], start=1)]
    base_of = {e.no: e.no for e in kept}
    # Longest first, so 仮想サーバ is swapped as a whole and not as サーバ inside it.
    words = sorted(variants, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, words))) if words else None
    seen = {e.question for e in kept}
    copies: list[FaqEntry] = []
    for no in range(len(kept) + 1, n + 1):
        base = kept[(no - 1) % len(kept)]  # round robin: every entry, and so every category, evenly
        while True:  # a fresh name until the question is new (the numbers make repeats rare)
            copy = _perturb(base, no, rng, _name(rng), pattern, variants)
            if copy.question not in seen:
                break
        seen.add(copy.question)
        copies.append(copy)
        base_of[no] = base.no
    return SyntheticCorpus(kept + copies, base_of)


def _name(rng: random.Random) -> str:
    word = "".join(rng.choice(_MORAE) for _ in range(rng.randint(3, 4)))
    return f"{word}{rng.choice(_KINDS)}{rng.randint(1, 99)}"


def _perturb(
    base: FaqEntry,
    no: int,
    rng: random.Random,
    name: str,
    pattern: re.Pattern[str] | None,
    variants: dict[str, tuple[str, ...]],
) -> FaqEntry:
    def swap(text: str) -> str:
        if pattern is None:
            return text
        return pattern.sub(
            lambda m: rng.choice(variants[m.group()]) if rng.random() < _SWAP_SHARE else m.group(), text
        )

    # Swapped before the name goes in: the made-up name must stay as made.
    question = rng.choice(_QUESTION_FORMS).format(name=name, q=swap(base.question))
    answer = _perturb_answer(base.answer, rng, name, swap)
    return base.model_copy(
        update={
            "no": no,
            "question": question,
            "answer": answer,
            "answer_html": html.escape(answer).replace("\n", "<br>\n"),
            "alt_questions": tuple(f"{name}で{swap(q)}" for q in base.alt_questions),
            "en_questions": tuple(f"{q} ({name})" for q in base.en_questions),
            "keywords": (*base.keywords, name),
        }
    )


def _perturb_answer(answer: str, rng: random.Random, name: str, swap: Callable[[str], str]) -> str:
    lines = [swap(line) for line in answer.split("\n")]
    # Headings and URLs stay where they are: the answer writer and the links rely on them.
    body = [i for i, ln in enumerate(lines) if ln.strip() and not HEADING.match(ln) and "http" not in ln]
    if len(body) >= 3 and rng.random() < _DROP_SHARE:
        lines[body.pop(rng.randrange(len(body)))] = ""
    if len(body) >= 2 and rng.random() < _REORDER_SHARE:
        i, j = rng.sample(body, 2)
        lines[i], lines[j] = lines[j], lines[i]
    if body:
        lines[body[0]] = f"{name}では、{lines[body[0]]}"
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class BaseVectors:
    """The real entries' dense texts and their real vectors, in index order."""

    docs: list[DenseDoc]
    vectors: Vectors
    negatives: Vectors  # the known out-of-scope questions' vectors, reused by synthetic builds

    @classmethod
    def from_index(cls, docs: list[DenseDoc], index: LoadedIndex) -> BaseVectors:
        """Read back from an exact (flat) build of the real entries, whose texts are `docs`."""
        dense = index.dense
        if index.meta.get("dense_kind") != "flat" or dense.ntotal != len(docs):
            raise ValueError(
                f"base vectors need the flat index of these {len(docs)} texts; {index.path} holds "
                f"{dense.ntotal} vectors ({index.meta.get('dense_kind')}): rebuild it from the same entries"
            )
        neg = index.negatives
        negatives = neg.reconstruct_n(0, neg.ntotal) if neg.ntotal else np.zeros((0, dense.d), np.float32)
        return cls(docs, dense.reconstruct_n(0, dense.ntotal), negatives)


def noise_sigma(cosine: float, dim: int) -> float:
    """Per-dimension noise that puts a unit vector at `cosine` to where it was.

    |v + e|² ≈ 1 + σ²·dim for Gaussian e, so cos(v, v + e) ≈ 1 / sqrt(1 + σ²·dim).
    """
    if not 0.0 < cosine <= 1.0:
        raise ValueError(f"cosine {cosine} must be in (0, 1]")
    return math.sqrt((1.0 / cosine**2 - 1.0) / dim)


class SyntheticVectors:
    """Vectors for a synthetic corpus's dense texts: the base text's real vector plus noise."""

    def __init__(self, base: BaseVectors, base_of: dict[int, int], sigma: float, seed: int = 0) -> None:
        self.base = base
        self.sigma = sigma
        self._base_of = base_of
        self._seed = seed
        self._candidates: dict[tuple[int, str], list[int]] = {}
        self._by_entry: dict[int, list[int]] = {}
        for i, d in enumerate(base.docs):
            self._candidates.setdefault((d.no, d.field), []).append(i)
            self._by_entry.setdefault(d.no, []).append(i)
        self._grams = [_bigrams(d.text) for d in base.docs]
        # Copies of one base share most texts (an untouched answer line): match each text once.
        self._memo = {(d.no, d.field, d.text): i for i, d in enumerate(base.docs)}
        self._block: tuple[int, Vectors] | None = None

    def source(self, doc: DenseDoc) -> int:
        """Position in the base vectors of the text `doc` was made from."""
        base_no = self._base_of[doc.no]
        key = (base_no, doc.field, doc.text)
        found = self._memo.get(key)
        if found is None:
            # A field the base lacks (a topic where the base's question has none) takes any text.
            pool = self._candidates.get((base_no, doc.field)) or self._by_entry[base_no]
            grams = _bigrams(doc.text)
            found = max(pool, key=lambda i: _jaccard(grams, self._grams[i]))
            self._memo[key] = found
        return found

    def vectors(self, docs: Sequence[DenseDoc], start: int = 0) -> Vectors:
        """Rows for `docs`, which sit at `start`.. in the corpus's text order (the noise depends on it)."""
        dim = self.base.vectors.shape[1]
        if not docs:
            return np.zeros((0, dim), dtype=np.float32)
        out = self.base.vectors[[self.source(d) for d in docs]].astype(np.float32)
        copies = np.array([self.is_copy(d) for d in docs], dtype=bool)
        out[copies] += self.sigma * self._noise(start, len(docs), dim)[copies]  # real entries stay real
        return l2_normalize(out)

    def _noise(self, start: int, n: int, dim: int) -> Vectors:
        # Seeded per block of positions: any batching of the same texts gives the same vectors.
        parts, pos = [], start
        while pos < start + n:
            block = pos // _NOISE_BLOCK
            if self._block is None or self._block[0] != block:
                rng = np.random.default_rng((self._seed, block))
                self._block = (block, rng.standard_normal((_NOISE_BLOCK, dim), dtype=np.float32))
            offset = pos - block * _NOISE_BLOCK
            take = min(_NOISE_BLOCK - offset, start + n - pos)
            parts.append(self._block[1][offset : offset + take])
            pos += take
        return np.concatenate(parts)

    def is_copy(self, doc: DenseDoc) -> bool:
        return self._base_of[doc.no] != doc.no


def calibrate_cosine(
    synth: SyntheticVectors, docs: Sequence[DenseDoc], embedder: Embedder, n: int = 256
) -> float:
    """Mean cosine between really embedded texts of copies and the base texts they were made from."""
    copies = [d for d in docs if synth.is_copy(d)]
    if not copies:
        return DEFAULT_COSINE
    sample = random.Random(0).sample(copies, min(n, len(copies)))
    real = embedder.embed_documents([d.text for d in sample])
    base = synth.base.vectors[[synth.source(d) for d in sample]]
    return float(np.mean(np.sum(real * base, axis=1)))


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset((text,))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / (len(a | b) or 1)


@dataclass(frozen=True)
class SyntheticBuild:
    path: Path
    vectors: Vectors  # what the dense index holds, for comparing it with exact search
    seconds: float  # the build without making the vectors (what build_index spends besides embedding)
    vector_seconds: float  # making the synthetic vectors (stands in for embedding; not part of `seconds`)


def build_synthetic_index(
    entries: list[FaqEntry],
    synth: SyntheticVectors,
    analyzer: Analyzer,
    embedder_id: str,
    index_dir: Path,
    data_hash: str,
    approximate_from: int = APPROXIMATE_FROM,
    progress: bool = False,
) -> SyntheticBuild:
    """What build_index writes for `entries`, with `synth` in place of the embedder.

    Step for step bot.index.build.build_index (tests/bench compare the two on the real entries),
    so load_index, Engine and the HybridRetriever read it as any build; only the vectors differ.
    """
    import bm25s

    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    build = index_dir / f"build-synthetic-{len(entries)}-{data_hash[:8]}"
    shutil.rmtree(build, ignore_errors=True)
    tmp = build.with_name(f".{build.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    quiet = not progress
    derivation = Derivation(entries, analyzer)
    docs = [d for e in tqdm(entries, "dense texts", disable=quiet) for d in derivation.dense_docs(e)]
    t = time.perf_counter()
    vectors = np.empty((len(docs), synth.base.vectors.shape[1]), dtype=np.float32)
    for i in tqdm(range(0, len(docs), _NOISE_BLOCK), "synthetic vectors", disable=quiet):
        vectors[i : i + _NOISE_BLOCK] = synth.vectors(docs[i : i + _NOISE_BLOCK], start=i)
    vector_seconds = time.perf_counter() - t
    dense, dense_kind = dense_index(vectors, approximate_from)
    faiss.write_index(dense, str(tmp / "dense.faiss"))
    del dense
    negative_index = faiss.IndexFlatIP(vectors.shape[1])
    if len(synth.base.negatives):
        negative_index.add(synth.base.negatives)
    faiss.write_index(negative_index, str(tmp / "negatives.faiss"))
    fields = sorted({d.field for d in docs})
    np.save(tmp / OWNER_FILE, np.array([d.no for d in docs], dtype=np.int64))
    np.save(tmp / FIELD_FILE, np.array([fields.index(d.field) for d in docs], dtype=np.uint8))
    n_docs = len(docs)
    del docs, derivation  # ~1.7M texts at 100k entries: not needed past this point

    # lexical_documents(entries, analyzer), spelled out for a progress bar (100k entries: half an
    # hour), and with every token interned: as build_index keeps them, each of an entry's ~1,300
    # reading grams is a str of its own, ~130 KB per entry, 13 GB at 100k entries; interned, the
    # lists hold pointers to one copy of each of a few thousand distinct tokens.
    lexical = Derivation(entries, analyzer)
    words, readings = [], []
    for e in tqdm(entries, "bm25 texts", disable=quiet):
        w, r = analyzer.document(lexical.lexical_text(e))
        words.append([sys.intern(x) for x in w] or ["<empty>"])
        readings.append([sys.intern(x) for x in r] or ["<empty>"])
    for name, corpus in (("bm25", words), ("bm25_reading", readings)):
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
        bm25.save(str(tmp / name), show_progress=False)

    seconds = time.perf_counter() - started - vector_seconds
    meta = {
        "format_version": FORMAT_VERSION,
        "embedder_id": embedder_id,
        "dim": int(vectors.shape[1]),
        "data_hash": data_hash,
        "analyzer": analyzer.fingerprint,
        "entries": [e.no for e in entries],
        "dense_vectors": n_docs,
        "dense_kind": dense_kind,
        "dense_fields": fields,
        "negative_vectors": len(synth.base.negatives),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(seconds, 2),
        "synthetic_vectors": {"sigma": synth.sigma},  # says what this index is, for anyone who finds it
    }
    (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.rename(build)
    atomic_write_text(index_dir / CURRENT_FILE, build.name + "\n")
    return SyntheticBuild(build, vectors, round(seconds, 2), round(vector_seconds, 2))
