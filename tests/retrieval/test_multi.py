"""merge_parts: several questions' rankings interleaved into one list."""

from __future__ import annotations

from bot.models import Hit, Retrieval
from bot.retrieval.multi import merge_parts


def _part(query: str, nos: list[int], answerable: bool = True, confidence: float = 0.9) -> Retrieval:
    hits = tuple(Hit(no=no, score=1.0 - i / 10, rank=i + 1) for i, no in enumerate(nos))
    return Retrieval(
        query=query,
        search_text=query,
        language="ja",
        hits=hits,
        answerable=answerable,
        confidence=confidence,
        reason="ok" if answerable else "low_confidence",
    )


def test_best_of_each_part_comes_first_without_duplicates() -> None:
    merged = merge_parts("a? b?", [_part("a", [17, 18, 14]), _part("b", [7, 17, 6])], k=5)
    assert merged.numbers == [17, 7, 18, 14, 6]
    assert [h.rank for h in merged.hits] == [1, 2, 3, 4, 5]
    assert merged.answerable and merged.reason == "ok"
    assert len(merged.parts) == 2
    assert merged.search_text == "a / b"


def test_k_cuts_the_merged_list() -> None:
    merged = merge_parts("a? b?", [_part("a", [1, 2, 3]), _part("b", [4, 5, 6])], k=3)
    assert merged.numbers == [1, 4, 2]


def test_abstaining_parts_come_after_answerable_ones() -> None:
    greeting = _part("お世話になっております", [22, 4, 1], answerable=False, confidence=0.1)
    real = _part("SIMは誰が発行？", [40, 41], confidence=0.8)
    merged = merge_parts("...", [greeting, real], k=3)
    assert merged.numbers == [40, 41, 22]
    assert merged.answerable
    assert merged.confidence == 0.8  # from the answerable part, not the greeting


def test_all_parts_abstaining_abstains() -> None:
    merged = merge_parts(
        "...",
        [
            _part("x", [1], answerable=False, confidence=0.2),
            _part("y", [2], answerable=False, confidence=0.3),
        ],
        5,
    )
    assert not merged.answerable
    assert merged.reason == "low_confidence"
    assert merged.confidence == 0.3


def test_neighbouring_parts_with_the_same_best_entry_are_one_point() -> None:
    # "パスワードを忘れました。リセットの方法は？": two sentences, one point.
    told = _part("パスワードを忘れました。", [7, 6, 9], confidence=0.7)
    asked = _part("リセットの方法は？", [7, 8], confidence=0.95)
    merged = merge_parts("...", [told, asked], k=5)
    assert [p.query for p in merged.parts] == ["パスワードを忘れました。リセットの方法は？"]
    assert merged.parts[0].numbers == [7, 8]  # the more confident ranking speaks for both
    assert merged.numbers == [7, 8]


def test_an_abstaining_neighbour_is_not_folded_into_an_answered_point() -> None:
    # The second question is outside the FAQ; its nearest entry being the same must not hide it.
    answered = _part("SIMを再発行したい", [41, 40])
    outside = _part("SIMの月額料金はいくら？", [41, 38], answerable=False, confidence=0.2)
    merged = merge_parts("...", [answered, outside], k=5)
    assert [p.answerable for p in merged.parts] == [True, False]


def test_only_neighbours_merge() -> None:
    parts = [_part("a", [17, 18]), _part("b", [41]), _part("c", [17, 16])]
    assert [p.query for p in merge_parts("...", parts, k=5).parts] == ["a", "b", "c"]
    english = merge_parts("...", [_part("I forgot it.", [7]), _part("How to reset?", [7])], k=5)
    assert english.parts[0].query == "I forgot it. How to reset?"
