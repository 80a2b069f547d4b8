"""The choices store on both backends: what a recorded request offered, and the pick replacing itself."""

from __future__ import annotations

import pytest

from bot.errors import NotFoundError
from bot.serving.feedback import RequestRecord, SqlFeedbackStore
from bot.serving.feedback.choices import ChoiceStore, offered_entries


def record(rid: str, mode: str = "extractive", margin: float | None = 0.05) -> RequestRecord:
    return RequestRecord(
        request_id=rid,
        kind="chat",
        question="ディスクを増やしたい",
        reply="…",
        mode=mode,
        created_at="2026-04-01T00:00:00.000+00:00",
        top_entries=((17, 1.5), (18, 1.45), (3, 0.9)),
        margin=margin,
    )


def test_offer_is_the_recorded_top_two_when_nearly_tied(store: SqlFeedbackStore) -> None:
    store.record_request(record("tie"))
    store.record_request(record("clear", margin=0.5))
    store.record_request(record("abstained", mode="abstain"))
    choices = ChoiceStore(store.engine, tie_margin=0.17)
    assert choices.offer("tie").offered == (17, 18)
    assert choices.offer("clear").offered == ()
    assert choices.offer("abstained").offered == ()
    assert ChoiceStore(store.engine, tie_margin=0.0).offer("tie").offered == ()
    with pytest.raises(NotFoundError, match="nope"):
        choices.offer("nope")


def test_a_second_pick_replaces_the_first(store: SqlFeedbackStore) -> None:
    store.record_request(record("tie"))
    choices = ChoiceStore(store.engine, tie_margin=0.17)
    offer = choices.offer("tie")
    choices.add_choice(offer, 18, "2026-04-01T00:01:00+00:00")
    choices.add_choice(offer, 17, "2026-04-01T00:02:00+00:00")
    rows = choices.choices_of("tie")
    assert [(r.chosen_no, r.offered, r.created_at) for r in rows] == [
        (17, (17, 18), "2026-04-01T00:02:00+00:00")
    ]


def test_offered_entries_edge_cases() -> None:
    top = "[[5, 1.0], [6, 0.9]]"
    assert offered_entries("llm", top, 0.1, 0.1) == (5, 6)  # the record's rounding, not a real gap
    assert offered_entries("llm", top, 0.2, 0.1) == ()
    assert offered_entries("fallback", top, 0.0, 0.1) == ()
    assert offered_entries("extractive", "[[5, 1.0]]", 0.0, 0.1) == ()
    assert offered_entries("extractive", None, None, 0.1) == ()
