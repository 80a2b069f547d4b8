"""The review queue's SQL on both backends: which requests are queued and why, decisions, pruning."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.review.models import QueueItem
from bot.serving.feedback import RequestRecord, SqlFeedbackStore
from bot.serving.feedback.review_store import SqlReviewStore
from bot.serving.feedback.tables import choices, feedback, requests, review_actions

TIE = 0.03


def record(rid: str, at: str = "2026-04-01T00:00:00.000+00:00", **kw: object) -> RequestRecord:
    values: dict[str, object] = {
        "request_id": rid,
        "kind": "chat",
        "question": f"質問 {rid}",
        "reply": "… [No.46]",
        "mode": "extractive",
        "citations": (46,),
        "confidence": 0.9,
        "created_at": at,
        "top_entries": ((46, 1.5), (12, 1.2), (3, 1.0)),
        "margin": 0.3,
    }
    values.update(kw)
    return RequestRecord.model_validate(values)


def pick(store: SqlFeedbackStore, rid: str, no: int, at: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(choices.insert().values(request_id=rid, chosen_no=no, offered="[46, 12]", created_at=at))


def by_id(items: list[QueueItem]) -> dict[str, QueueItem]:
    return {i.request_id: i for i in items}


def test_queue_selects_each_kind_and_nothing_else(store: SqlFeedbackStore) -> None:
    review = SqlReviewStore(store.engine)
    store.record_request(record("abst", mode="abstain", citations=(), margin=0.01))
    store.record_request(record("down", "2026-04-01T00:01:00.000+00:00"))
    store.add_feedback("down", "down", "古い手順です", "2026-04-01T00:02:00.000+00:00")
    store.record_request(record("up", "2026-04-01T00:03:00.000+00:00", mode="abstain"))
    store.add_feedback("up", "up", "助かった", "2026-04-01T00:04:00.000+00:00")
    store.record_request(record("tie", "2026-04-01T00:05:00.000+00:00", margin=0.029))
    store.record_request(record("edge", "2026-04-01T00:06:00.000+00:00", margin=TIE))  # not below the margin
    store.record_request(record("fine", "2026-04-01T00:07:00.000+00:00"))  # answered, clear: not queued
    store.record_request(record("fallback", "2026-04-01T00:08:00.000+00:00", mode="fallback", margin=0.0))
    store.record_request(record("pick", "2026-04-01T00:09:00.000+00:00", margin=0.01))
    pick(store, "pick", 12, "2026-04-01T00:09:30.000+00:00")
    pick(store, "pick", 46, "2026-04-01T00:09:40.000+00:00")  # the last pick counts
    store.record_request(record("mail", "2026-04-01T00:10:00.000+00:00", kind="draft", mode="abstain"))
    store.record_request(record("old", "2025-01-01T00:00:00.000+00:00", margin=None, top_entries=()))
    store.add_feedback("old", "down", None, "2025-01-01T00:01:00.000+00:00")

    items, truncated = review.queue_items(TIE, limit=100)
    assert not truncated
    assert [i.request_id for i in items] == ["old", "abst", "down", "up", "tie", "pick"]  # oldest first
    got = by_id(items)
    assert got["abst"].kinds == ("abstain",) and got["abst"].comment is None
    assert got["down"].kinds == ("down",) and got["down"].comment == "古い手順です"
    assert got["up"].kinds == ("abstain",) and got["up"].comment is None  # a 👍 comment is not a complaint
    assert got["tie"].kinds == ("tie",) and got["tie"].margin == 0.029
    assert got["pick"].kinds == ("tie", "choice") and got["pick"].chosen_no == 46
    assert got["tie"].top_entries == ((46, 1.5), (12, 1.2), (3, 1.0))
    assert got["old"].top_entries == () and got["old"].kinds == ("down",)

    # A margin of 0 turns near-ties off; a pick still counts.
    no_ties, _ = review.queue_items(0.0, limit=100)
    assert "tie" not in by_id(no_ties) and by_id(no_ties)["pick"].kinds == ("choice",)


def test_queue_keeps_the_newest_when_truncated(store: SqlFeedbackStore) -> None:
    review = SqlReviewStore(store.engine)
    for n in range(5):
        store.record_request(record(f"r{n}", f"2026-04-0{n + 1}T00:00:00.000+00:00", mode="abstain"))
    items, truncated = review.queue_items(TIE, limit=3)
    assert truncated and [i.request_id for i in items] == ["r2", "r3", "r4"]
    everything, truncated = review.queue_items(TIE, limit=5)
    assert not truncated and len(everything) == 5


def test_decisions_take_requests_out_once(store: SqlFeedbackStore) -> None:
    review = SqlReviewStore(store.engine)
    for rid in ("a", "b", "c"):
        store.record_request(record(rid, mode="abstain"))
    written = review.record(["a", "b", "a", "nope"], "accept", 17, "tanaka", "2026-04-02T00:00:00.000+00:00")
    assert written == ["a", "b"]  # duplicates and unknown ids skipped
    assert review.record(["b", "c"], "dismiss", None, "admin", "2026-04-02T00:01:00.000+00:00") == ["c"]
    assert review.queue_items(TIE, 100) == ([], False)
    log = review.log()
    assert [(e.request_id, e.action, e.entry_no, e.actor) for e in log] == [
        ("c", "dismiss", None, "admin"),
        ("b", "accept", 17, "tanaka"),
        ("a", "accept", 17, "tanaka"),
    ]
    assert log[0].question == "質問 c"
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(review_actions)).scalar_one() == 3


def test_gap_questions_carry_who_and_when(store: SqlFeedbackStore) -> None:
    review = SqlReviewStore(store.engine)
    store.record_request(record("g1", mode="abstain"))
    store.record_request(record("g2", "2026-04-01T00:01:00.000+00:00", mode="abstain"))
    store.record_request(record("d", mode="abstain"))
    review.record(["g2", "g1"], "gap", None, "suzuki", "2026-04-03T00:00:00.000+00:00")
    review.record(["d"], "dismiss", None, "admin", "2026-04-03T00:00:00.000+00:00")
    gaps = review.gap_questions()
    assert [(g.request_id, g.marked_by, g.marked_at) for g in gaps] == [
        ("g1", "suzuki", "2026-04-03T00:00:00.000+00:00"),
        ("g2", "suzuki", "2026-04-03T00:00:00.000+00:00"),
    ]
    assert gaps[0].question == "質問 g1" and gaps[0].top_entries[0] == (46, 1.5)


def test_prune_deletes_old_rows_only(store: SqlFeedbackStore) -> None:
    review = SqlReviewStore(store.engine)
    cutoff = "2026-01-01T00:00:00.000+00:00"
    for rid, at in (("old", "2025-06-30T23:59:59.999+00:00"), ("new", "2026-01-01T00:00:00.000+00:00")):
        store.record_request(record(rid, at, mode="abstain", margin=0.0))
        store.add_feedback(rid, "down", "x", at)
        pick(store, rid, 12, at)
        review.record([rid], "gap", None, "admin", at)
    # A rating given after the cutoff of a request asked before it still goes with its request.
    store.record_request(record("old2", "2025-12-31T23:59:59.999+00:00"))
    store.add_feedback("old2", "down", None, "2026-02-01T00:00:00.000+00:00")

    counts = review.prune(cutoff)
    assert (counts.requests, counts.feedback, counts.choices, counts.review_actions) == (2, 2, 1, 1)
    with store.engine.connect() as conn:
        for table in (requests, feedback, choices, review_actions):
            assert list(conn.execute(select(table.c.request_id)).scalars()) == ["new"], table.name
        kept = conn.execute(select(requests.c.top_entries)).scalar_one()
    assert json.loads(kept)[0] == [46, 1.5]
    assert review.prune(cutoff).total == 0  # idempotent: workers may all prune
