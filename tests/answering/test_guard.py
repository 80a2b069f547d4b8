"""The citation guard: what counts as a citation, and when a reply is refused."""

from __future__ import annotations

import pytest

from bot.answering import guard


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("停止が必要です。[No.17]", [17]),
        ("停止が必要です。［No．17］", [17]),  # full-width brackets and dot
        ("停止が必要です。［Ｎｏ．１７］", [17]),  # full-width letters and digits
        ("see [No. 17] and [no17]", [17]),
        ("【No.3】を参照", [3]),
        ("[No.17, No.18] と [No.17・19]", [17, 18, 19]),
        ("[No.18] 先に、[No.17] 後に", [18, 17]),  # order of first appearance
        ("No.17 に記載があります", []),  # bare: a reference, not a citation
        ("[17] や [No.] は引用ではありません", []),
    ],
)
def test_cited_numbers(text: str, numbers: list[int]) -> None:
    assert guard.cited_numbers(text) == numbers


def test_bare_references_need_the_dot() -> None:
    assert guard.referenced_numbers("詳細は FAQ No.5 をご覧ください [No.17]") == [17, 5]
    # English "no" before a number is not a reference.
    assert guard.referenced_numbers("There is no 24-hour line for that. [No.4]") == [4]


def test_valid_reply_keeps_its_citations_in_order() -> None:
    verdict = guard.check("CPU変更は停止が必要です [No.18]。ディスクも同様です [No.17]。", {17, 18, 20})
    assert verdict.ok and verdict.cited == (18, 17) and verdict.reason is None


@pytest.mark.parametrize(
    ("text", "reason", "unretrieved"),
    [
        ("", guard.EMPTY_REPLY, ()),
        ("   \n ", guard.EMPTY_REPLY, ()),
        ("サーバの停止が必要です。", guard.NO_CITATION, ()),
        ("詳細は No.17 をご覧ください。", guard.NO_CITATION, ()),  # bare reference is not a citation
        ("停止が必要です [No.17]。料金は [No.99] です。", guard.UNRETRIEVED_CITATION, (99,)),
        ("停止が必要です [No.17]。FAQ No.42 にもあります。", guard.UNRETRIEVED_CITATION, (42,)),
        ("［Ｎｏ．９９］によると可能です。", guard.UNRETRIEVED_CITATION, (99,)),
    ],
)
def test_unusable_replies(text: str, reason: str, unretrieved: tuple[int, ...]) -> None:
    verdict = guard.check(text, {17, 18})
    assert not verdict.ok
    assert verdict.reason == reason
    assert verdict.unretrieved == unretrieved


def test_a_reply_must_cite_one_of_the_required_entries() -> None:
    # Retrieved, but only what retrieval ranked lower: the copied-a-number-from-context pattern.
    verdict = guard.check("停止が必要です [No.18]", {17, 18, 16}, required={17})
    assert not verdict.ok and verdict.reason == guard.MISSING_BEST_ENTRY and verdict.cited == (18,)
    assert guard.check("[No.18] と [No.17]", {17, 18}, required={17}).ok
    assert guard.check("[No.18]", {17, 18}, required={17, 18}).ok  # one per message is enough


def test_unretrieved_citations_are_dropped_from_cited() -> None:
    verdict = guard.check("[No.17] と [No.99]", {17})
    assert verdict.cited == (17,) and verdict.unretrieved == (99,)
    assert "No.99" in verdict.detail


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("停止が必要です [No.1", len("停止が必要です ")),
        ("停止が必要です ［Ｎｏ．", len("停止が必要です ")),
        ("停止が必要です No", len("停止が必要です ")),
        ("停止が必要です No.1", len("停止が必要です ")),
        ("停止が必要です [No.17] 以上", len("停止が必要です [No.17] 以上")),
    ],
)
def test_safe_prefix_holds_back_a_citation_in_progress(text: str, safe: int) -> None:
    assert guard.safe_prefix_length(text) == safe


def test_streaming_never_shows_part_of_an_invented_number() -> None:
    # Feed a reply one character at a time, as a stream might: the invented number is caught the
    # moment it is complete, and nothing of it was shown before.
    reply = "ディスクの拡張には停止が伴います [No.17]。詳しくは [No.172] をご覧ください。"
    shown, stopped = "", False
    for end in range(1, len(reply) + 1):
        partial = reply[:end]
        candidate = partial[: guard.safe_prefix_length(partial)]
        if guard.check(candidate, {17}).unretrieved:  # what LLMWriter.stream does: stop, show nothing more
            stopped = True
            break
        shown = candidate
        assert "[No.1" not in shown.replace("[No.17]", "")  # never half a citation
    assert stopped
    assert shown.endswith("詳しくは ") and "172" not in shown


@pytest.mark.parametrize(
    "text",
    [
        "[No.17] 詳細は [No.0099] をご覧ください。",  # leading zeros, four digits
        "[No.17] 参考: No.1234",
        "[No.17] 参考: No.\u200b99",  # a zero-width space must not hide the number
    ],
)
def test_numbers_the_guard_must_see_through(text: str) -> None:
    verdict = guard.check(text, allowed={17})
    assert not verdict.ok
    assert verdict.reason == guard.UNRETRIEVED_CITATION
