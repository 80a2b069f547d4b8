"""Online clustering and the cluster summary: stable groups, counts, examples, nearest entries."""

from __future__ import annotations

import numpy as np
import pytest

from bot.embedders.base import l2_normalize
from bot.review.clustering import cluster_labels, cluster_vectors
from bot.review.features import combine, profile_vectors
from bot.review.models import QueueItem
from bot.review.queue import summarise


def unit(*rows: list[float]) -> np.ndarray:
    return l2_normalize(np.array(rows, dtype=np.float32))


def test_near_vectors_group_and_far_ones_do_not() -> None:
    v = unit([1, 0, 0], [0.99, 0.1, 0], [0, 1, 0], [0.98, 0, 0.12], [0, 0.97, 0.2])
    assert cluster_vectors(v, 0.95) == [[0, 1, 3], [2, 4]]
    assert cluster_vectors(v, 0.999) == [[0], [1], [2], [3], [4]]
    assert cluster_labels([[0, 1, 3], [2, 4]], 5) == [0, 0, 1, 0, 1]
    assert cluster_vectors(np.zeros((0, 3), dtype=np.float32)) == []


def test_newer_questions_never_move_older_ones() -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(6, 16))
    rows = l2_normalize(
        (centres[rng.integers(0, 6, 120)] + 0.35 * rng.normal(size=(120, 16))).astype(np.float32)
    )
    before = cluster_labels(cluster_vectors(rows[:80], 0.8), 80)
    after = cluster_labels(cluster_vectors(rows, 0.8), 120)[:80]
    assert before == after
    assert 3 <= len(set(after)) < 80  # it did group, and not everything into one


def test_threshold_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        cluster_vectors(unit([1, 0]), 0.0)


def test_profiles_and_weights() -> None:
    p = profile_vectors([((5, 1.0), (9, 1.0)), ((5, 2.0), (9, 2.0)), ()])
    assert p.shape == (3, 2) and np.allclose(p[0], p[1]) and not p[2].any()
    dense = unit([1, 0], [0, 1], [1, 0])
    both = combine(dense, p, 0.3)
    # cosine = 0.7 * dense cosine + 0.3 * profile cosine
    assert both[0] @ both[1] == pytest.approx(0.3, abs=1e-6)
    assert np.linalg.norm(both[2]) == pytest.approx(1.0)  # a row without hits keeps its dense direction
    with pytest.raises(ValueError, match="weight"):
        combine(dense, p, 1.0)


def item(rid: str, q: str, at: str, **kw: object) -> QueueItem:
    values: dict[str, object] = {"request_id": rid, "question": q, "asked_at": at, "kinds": ("abstain",)}
    values.update({"mode": "abstain", **kw})
    return QueueItem.model_validate(values)


def test_summary_counts_examples_nearest_and_suggestion() -> None:
    members = [
        item("r1", "A", "2026-04-01T00:00", top_entries=((3, 1.0), (8, 0.5))),
        item("r2", "B", "2026-04-02T00:00", top_entries=((3, 0.8),)),
        item(
            "r3",
            "A ",
            "2026-04-03T00:00",
            kinds=("down",),
            mode="extractive",
            comment="違う",
            top_entries=((8, 1.2), (3, 0.6)),
        ),
        item("r4", "C", "2026-04-04T00:00", top_entries=()),
        item("r5", "D", "2026-04-05T00:00", kinds=("abstain", "down"), comment="違う"),
    ]
    c = summarise(members, {3: "三番", 8: "八番"})
    assert c.id == "c-r1" and c.count == 5
    assert c.kinds == {"abstain": 4, "down": 2}
    assert c.examples == ("A", "D", "C")  # most asked first, then the latest
    assert [(e.no, e.question, e.share) for e in c.nearest] == [(3, "三番", 0.6), (8, "八番", 0.4)]
    assert c.nearest[0].score == pytest.approx(0.8)
    assert c.suggested_no == 8  # what the answered member was answered with
    assert c.comments == ("違う",)
    assert (c.first_asked, c.last_asked) == ("2026-04-01T00:00", "2026-04-05T00:00")
    picked = summarise([*members, item("r6", "E", "2026-04-06T00:00", chosen_no=12)], {})
    assert picked.suggested_no == 12  # a user's own pick wins
    assert summarise(members[:2], {}).suggested_no is None  # abstentions alone suggest nothing
