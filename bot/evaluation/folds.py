"""Engines over private indexes whose entries lack their hand-written phrasings (new-entry conditions)."""

from __future__ import annotations

from pathlib import Path

from bot.embedders.base import Embedder
from bot.embedders.cached import CachedEmbedder
from bot.engine import Engine
from bot.evaluation.calibration import FoldEngine
from bot.index.documents import strip_enrichment, without_enrichment
from bot.ingest import load_entries
from bot.retrieval.abstain import PolicySet


def stripped_engine(
    data_dir: Path, index_dir: Path, embedder: Embedder, fraction: float, policy: PolicySet | None = None
) -> tuple[Engine, set[int]]:
    """An engine whose private index (built in `index_dir`) lacks the enrichment of `fraction` of entries."""
    entries, stripped = strip_enrichment(load_entries(data_dir), fraction)
    engine = Engine.open(data_dir, index_dir, embedder, policy=policy, entries=entries)
    return engine, stripped


def fold_engines(
    data_dir: Path, work_dir: Path, embedder: Embedder, folds: int, policy: PolicySet
) -> list[FoldEngine]:
    """`folds` engines; fold k strips entries k, k+folds, k+2·folds, … (by position), so each entry once."""
    if folds <= 0:
        return []
    entries = sorted(load_entries(data_dir), key=lambda e: e.no)
    cached = CachedEmbedder(embedder)  # the folds differ only in the stripped entries' phrasings
    out = []
    for k in range(folds):
        stripped = {e.no for i, e in enumerate(entries) if i % folds == k}
        fold_entries = [without_enrichment(e) if e.no in stripped else e for e in entries]
        engine = Engine.open(data_dir, work_dir / f"fold{k}", cached, policy=policy, entries=fold_entries)
        out.append(FoldEngine(engine, frozenset(stripped)))
    return out
