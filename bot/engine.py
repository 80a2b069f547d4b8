"""The loaded engine: entries + index + retriever, opened once and shared (read-only) by requests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.embedders.base import Embedder
from bot.errors import IndexNotFoundError, NotFoundError, StaleIndexError
from bot.index import build_index, data_fingerprint, load_index
from bot.index.negatives import load_negatives
from bot.index.store import META_FILE, SNAPSHOT_DIR, LoadedIndex, read_meta
from bot.ingest import load_entries
from bot.models import FaqEntry, Retrieval, Turn
from bot.retrieval.abstain import PolicySet, looks_like_injection
from bot.retrieval.decision import AnswerDecider
from bot.retrieval.hybrid import HybridRetriever
from bot.retrieval.multi import merge_parts
from bot.retrieval.ranking import HybridRanker, RetrieverMode
from bot.text.analyzer import Analyzer
from bot.text.segment import split_questions
from bot.text.synonyms import Synonyms


@dataclass(frozen=True)
class Engine:
    entries: dict[int, FaqEntry]
    index: LoadedIndex
    embedder: Embedder
    retriever: HybridRetriever
    analyzer: Analyzer

    @classmethod
    def open(
        cls,
        data_dir: Path,
        index_dir: Path,
        embedder: Embedder,
        mode: RetrieverMode = "hybrid",
        build_if_missing: bool = True,
        progress: bool = False,
        policy: PolicySet | None = None,
        entries: list[FaqEntry] | None = None,
    ) -> Engine:
        """Load data and index. A missing index is built; a stale one is an error unless we built it.

        `entries` replaces data/faq.jsonl's (eval --strip-enrichment scores entries without their
        hand-written phrasings); the index must then be private to that run.
        """
        entries = entries if entries is not None else load_entries(data_dir)
        analyzer = Analyzer(Synonyms.load(data_dir))
        data_hash = data_fingerprint(data_dir, entries)
        try:
            index = load_index(index_dir, embedder.id, embedder.dim, data_hash, analyzer.fingerprint)
        except IndexNotFoundError:
            if not build_if_missing:
                raise
            build_index(
                entries,
                analyzer,
                embedder,
                index_dir,
                data_hash,
                progress=progress,
                negatives=load_negatives(data_dir),
                data_dir=data_dir,
            )
            index = load_index(index_dir, embedder.id, embedder.dim, data_hash, analyzer.fingerprint)
        # Calibration passes its own policy: the stored one may be for other features.
        return cls._assemble(entries, analyzer, index, embedder, policy or PolicySet.load(data_dir), mode)

    @classmethod
    def open_build(
        cls, build: Path, embedder: Embedder, data_dir: Path, mode: RetrieverMode = "hybrid"
    ) -> Engine:
        """Open one build folder with the data it was built from (its snapshot), whatever data/
        holds now: a server keeps answering from its last good build while data/ moves on.

        A build from before snapshots existed falls back to `data_dir`, which must then match it.
        """
        if not (build / META_FILE).is_file():
            raise IndexNotFoundError(f"{build} is not a complete build: run `faqbot publish`")
        snapshot = build / SNAPSHOT_DIR
        source = snapshot if snapshot.is_dir() else data_dir
        entries = load_entries(source)
        analyzer = Analyzer(Synonyms.load(source))
        if snapshot.is_dir():
            # The snapshot was written into the same folder, renamed into place with it.
            try:
                data_hash = str(read_meta(build).get("data_hash", ""))
            except (OSError, ValueError):
                data_hash = ""  # load_index reads meta.json again and says what is wrong with it
        else:
            data_hash = data_fingerprint(source, entries)
        index = load_index(
            build.parent, embedder.id, embedder.dim, data_hash, analyzer.fingerprint, build=build
        )
        return cls._assemble(entries, analyzer, index, embedder, PolicySet.load(source), mode)

    @classmethod
    def _assemble(
        cls,
        entries: list[FaqEntry],
        analyzer: Analyzer,
        index: LoadedIndex,
        embedder: Embedder,
        policy: PolicySet,
        mode: RetrieverMode,
    ) -> Engine:
        missing = {e.no for e in entries} - set(index.entry_nos)
        if missing:
            raise StaleIndexError(f"index lacks entries {sorted(missing)}: run `faqbot index`")
        # Questions are respelled in the FAQ's own words (see bot.text.vocabulary).
        analyzer = analyzer.with_vocabulary(t for e in entries for t in (e.question, e.answer))
        by_no = {e.no: e for e in entries}
        ranker = HybridRanker(index, embedder, analyzer, mode=mode)
        decider = AnswerDecider(policy, [by_no[n].answer for n in index.entry_nos])
        return cls(
            entries=by_no,
            index=index,
            embedder=embedder,
            retriever=HybridRetriever(ranker, decider, entries),
            analyzer=analyzer,
        )

    def entry(self, no: int) -> FaqEntry:
        try:
            return self.entries[no]
        except KeyError:
            raise NotFoundError(
                f"FAQ No.{no} does not exist (entries are numbered 1–{max(self.entries)})"
            ) from None

    def retrieve(
        self, question: str, k: int = 5, category: str | None = None, history: tuple[Turn, ...] = ()
    ) -> Retrieval:
        """Retrieve for a message; a message asking several things is answered part by part."""
        segments = split_questions(question)
        # An attempt to override the instructions taints the whole message, not just its sentence.
        if len(segments) <= 1 or looks_like_injection(question):
            return self.retriever.retrieve(question, k=k, category=category, history=history)
        parts = [self.retriever.retrieve(s, k=k, category=category, history=history) for s in segments]
        return merge_parts(question, parts, k)

    def in_order(self, category: str | None = None) -> list[FaqEntry]:
        """Entries by FAQ number, of one category or all (sorted once, then served from memory)."""
        return self._in_order.get(category, []) if category else self._in_order[None]

    @cached_property
    def _in_order(self) -> dict[str | None, list[FaqEntry]]:
        ordered = sorted(self.entries.values(), key=lambda e: e.no)
        groups: dict[str | None, list[FaqEntry]] = {None: ordered}
        for e in ordered:
            groups.setdefault(e.category, []).append(e)
        return groups

    @property
    def build_id(self) -> str:
        """The build folder's name under index/."""
        return self.index.path.name

    @property
    def data_hash(self) -> str:
        """The fingerprint of the data this build was made from."""
        return str(self.index.meta.get("data_hash", ""))

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(e.category for e in self.entries.values()))
