"""publish() on copies of the real data and index: the gate passes, refuses, and rolls back."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from bot.embedders.base import Embedder, Vectors, WrappedEmbedder
from bot.errors import IndexBusyError, PublishError
from bot.index.pointer import IndexLock, previous_build, read_current, read_history
from bot.index.store import CURRENT_FILE
from bot.ingest import load_entries
from bot.publish.builds import rollback
from bot.publish.gate import default_gates
from bot.publish.job import BackgroundPublisher
from bot.publish.publisher import PublishPlan, publish

pytestmark = pytest.mark.slow
AddPhrasing = Callable[[Path, int, str], None]
PHRASING = "サービスの稼働率って何パーセント保証されてるの"


class CountingEmbedder(WrappedEmbedder):
    """The real embedder, counting the document texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self.documents = 0

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        self.documents += len(texts)
        return self._inner.embed_documents(texts)


def _plan(data: Path, index: Path) -> PublishPlan:
    return PublishPlan(data, index, default_gates())


def _permute_entries(data: Path) -> None:
    """The harmful edit: entries 1-40 swap their content in pairs (as if the export had been
    renumbered), enrichment included, so every number now points at its neighbour's text."""
    lines = [json.loads(x) for x in (data / "faq.jsonl").read_text("utf-8").splitlines() if x.strip()]
    by_no = {r["no"]: r for r in lines}
    for a in range(1, 41, 2):
        ra, rb = by_no[a], by_no[a + 1]
        by_no[a], by_no[a + 1] = {**rb, "no": a}, {**ra, "no": a + 1}
    (data / "faq.jsonl").write_text(
        "".join(json.dumps(by_no[r["no"]], ensure_ascii=False) + "\n" for r in lines), encoding="utf-8"
    )
    path = data / "enrichment.jsonl"
    records = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
    for rec in records:
        if rec["no"] <= 40:
            rec["no"] = rec["no"] + 1 if rec["no"] % 2 else rec["no"] - 1
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_publish_passes_on_the_real_data_and_makes_the_build_current(
    publish_dirs: tuple[Path, Path], publish_embedder: Embedder, add_phrasing: AddPhrasing
) -> None:
    data, index = publish_dirs
    before = read_current(index)
    add_phrasing(data, 46, PHRASING)  # what accepting it on the review page writes
    counting = CountingEmbedder(publish_embedder)
    steps: list[tuple[str, float]] = []

    outcome = publish(_plan(data, index), counting, lambda step, progress, _: steps.append((step, progress)))

    assert outcome.passed and outcome.published, outcome.message
    assert outcome.build is not None and outcome.build != before
    assert read_current(index) == outcome.build
    assert read_history(index)[-2:] == [before, outcome.build]
    assert previous_build(index) == before
    assert {c.gate for c in outcome.checks} == {"questions", "probe"}
    assert len(outcome.checks) == 16 and all(c.ok and c.value >= c.floor for c in outcome.checks)
    # The new build holds the phrasing (in its data snapshot), and so does data/faq.jsonl now.
    snapshot = {e.no: e for e in load_entries(index / outcome.build / "data")}
    assert PHRASING in snapshot[46].alt_questions
    assert PHRASING in {e.no: e for e in load_entries(data)}[46].alt_questions
    # Only the new text was embedded: the rest came from the previous build's vectors.
    assert 1 <= counting.documents <= 20  # of ~800 texts
    # Progress: the build, both gates, the swap, in order, never going back, ending at 1.
    names = [s for s, _ in steps]
    assert (
        names.index("build")
        < names.index("gate: questions")
        < names.index("gate: probe")
        < names.index("swap")
    )
    fractions = [p for _, p in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert outcome.timings["build_s"] > 0 and outcome.timings["gate_s"] > 0


def test_a_harmful_edit_is_refused_with_the_metric_named(
    publish_dirs: tuple[Path, Path], publish_embedder: Embedder
) -> None:
    data, index = publish_dirs
    _permute_entries(data)
    current_before = (index / CURRENT_FILE).read_bytes()
    history_before = read_history(index)
    listing_before = sorted(p.name for p in index.glob("build-*"))
    faq_before = (data / "faq.jsonl").read_bytes()

    outcome = publish(_plan(data, index), publish_embedder)

    assert not outcome.passed and not outcome.published
    fell = [c for c in outcome.checks if not c.ok]
    assert fell and all(c.value < c.floor for c in fell)
    assert "recall@1" in {c.name for c in fell}
    assert "gate refused" in outcome.message and "recall@1" in outcome.message and "floor" in outcome.message
    # Nothing changed: the pointer, the history, the builds on disk, data/.
    assert (index / CURRENT_FILE).read_bytes() == current_before
    assert read_history(index) == history_before
    assert sorted(p.name for p in index.glob("build-*")) == listing_before
    assert (data / "faq.jsonl").read_bytes() == faq_before


def test_rollback_makes_the_previous_build_current_again(
    publish_dirs: tuple[Path, Path], publish_embedder: Embedder, add_phrasing: AddPhrasing
) -> None:
    data, index = publish_dirs
    first = read_current(index)
    add_phrasing(data, 46, PHRASING)
    outcome = publish(_plan(data, index), publish_embedder)
    assert outcome.published

    result = rollback(index)
    assert (result.rolled_back, result.current) == (outcome.build, first)
    assert read_current(index) == first
    assert (index / str(outcome.build)).is_dir()  # kept: a rollback of the rollback is a publish away
    with pytest.raises(PublishError, match="no previous build"):
        rollback(index)  # the session index had one build before: nothing further back
    assert read_current(index) == first


def test_unchanged_data_is_not_published_again(
    publish_dirs: tuple[Path, Path], publish_embedder: Embedder
) -> None:
    data, index = publish_dirs
    before = read_current(index)
    listing = sorted(p.name for p in index.glob("build-*"))
    outcome = publish(_plan(data, index), publish_embedder)
    assert outcome.passed and not outcome.published
    assert "nothing to publish" in outcome.message
    assert read_current(index) == before and sorted(p.name for p in index.glob("build-*")) == listing


def test_only_one_publish_at_a_time(publish_dirs: tuple[Path, Path], publish_embedder: Embedder) -> None:
    data, index = publish_dirs
    held = IndexLock(index)
    held.acquire(wait=False)
    try:
        with pytest.raises(IndexBusyError, match="running"):
            BackgroundPublisher().start(_plan(data, index), lambda: publish_embedder)
        with pytest.raises(IndexBusyError):
            rollback(index)
    finally:
        held.release()
