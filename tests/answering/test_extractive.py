"""The extractive writer through the real engine: cases, several questions, English, abstain, follow-ups."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.answering.extractive import ABSTAIN_EN, ABSTAIN_JA
from bot.answering.service import AnswerService
from bot.answering.types import CitationsEvent, DeltaEvent, DoneEvent
from bot.models import Turn

DISK = "Dドライブの容量を増やす手順を知りたい"


def _cited(service: AnswerService, question: str, history: tuple[Turn, ...] = ()) -> list[int]:
    return [c.no for c in service.answer(question, history=history)[1].citations]


def test_entry_17_quotes_the_case_asked_about(service: AnswerService) -> None:
    _, reply = service.answer(DISK)
    assert reply.mode == "extractive" and [c.no for c in reply.citations] == [17]
    assert "ケース1：既存ディスクの容量を増やす。" in reply.text
    assert "②弊社にて容量の拡張作業を実施します。" in reply.text
    # The other cases are offered, not quoted.
    assert "同一ドライブにて容量を減らすことはできません" not in reply.text
    others = "その他のケース（ケース2：既存ディスクの容量を減らす／ケース3：新規ディスクを取り付ける）"
    assert f"{others}については [No.17] をご覧ください。" in reply.text
    # The intro that applies to every case stays.
    assert "どのケースでも作業実施にあたりサーバの停止・起動が伴う" in reply.text


@pytest.mark.parametrize(
    ("question", "quoted", "left_out"),
    [
        (
            "ディスクの容量を減らすことはできますか",
            "ケース2：既存ディスクの容量を減らす。",
            "②弊社にて容量の拡張作業を実施します。",
        ),
        (
            "新規ディスクを追加で取り付けたい",
            "合計200GBとすることが可能です",
            "同一ドライブにて容量を減らすことはできません",
        ),
    ],
)
def test_entry_17_other_cases(service: AnswerService, question: str, quoted: str, left_out: str) -> None:
    _, reply = service.answer(question)
    assert [c.no for c in reply.citations] == [17]
    assert quoted in reply.text and left_out not in reply.text
    assert "その他のケース" in reply.text


def test_bracket_sections_are_chosen_the_same_way(service: AnswerService) -> None:
    _, reply = service.answer("モバイル回線の通信断はメールで知らせてもらえますか")
    assert [c.no for c in reply.citations] == [35]
    assert "【モバイル回線の場合】" in reply.text and "ルータへのping監視を実施" not in reply.text
    assert "その他のケース（物理回線の場合）については [No.35]" in reply.text


def test_a_question_about_every_case_gets_the_whole_answer(service: AnswerService) -> None:
    _, reply = service.answer("仮想サーバのDisk容量を変更したいのですが、どのような作業が発生しますか。")
    assert all(f"ケース{i}" in reply.text for i in (1, 2, 3)) and "その他のケース" not in reply.text


def test_reply_has_lead_citation_and_link(service: AnswerService) -> None:
    _, reply = service.answer("DCの所在地を知りたい")
    lead, _, rest = reply.text.partition("\n")
    assert lead.startswith("お問い合わせの件") and lead.endswith("。")
    assert "東京都内にごございます。" in rest  # quoted as published, typo included
    assert "[No.47]" in rest and service.linker.link(47) in rest


def test_several_questions_get_one_cited_block_each(service: AnswerService) -> None:
    retrieval, reply = service.answer(
        "SMTPでアプリから外部にメール送信はできますか？それと、docomoのアドレスは送信先として許可されますか？"
    )
    assert len(retrieval.parts) == 2
    assert [c.no for c in reply.citations] == [29, 5]
    first, second = reply.text.index("[No.29]"), reply.text.index("[No.5]")
    assert "1. " in reply.text[:first] and "2. " in reply.text[first:second]


def test_two_questions_in_one_sentence_cite_both_entries(service: AnswerService) -> None:
    assert sorted(_cited(service, "モバイル回線と固定回線の納期をそれぞれ教えてください")) == [33, 37]


def test_a_plain_question_cites_exactly_one_entry(service: AnswerService) -> None:
    assert _cited(service, "仮想サーバのCPUを増やしたい場合、どんな作業が必要ですか") == [18]


def test_part_outside_the_faq_is_said_so_next_to_the_answered_part(service: AnswerService) -> None:
    retrieval, reply = service.answer(
        "SIMを再発行するときの手順を知りたいです。あと、水道メーターの検針日も教えてください。"
    )
    assert [p.answerable for p in retrieval.parts] == [True, False]
    assert [c.no for c in reply.citations] == [41]
    assert (
        "「あと、水道メーターの検針日も教えてください。」については、FAQに該当する記載が見つかりませんでした"
        in reply.text
    )


def test_english_question_gets_an_english_lead_and_the_published_text(service: AnswerService) -> None:
    _, reply = service.answer("What is the lead time for a new mobile line?")
    assert reply.language == "en" and [c.no for c in reply.citations] == [37]
    assert reply.text.startswith("Here is what the FAQ says (quoted in Japanese, as published):")
    assert "概ね1ヶ月程度でご提供が可能です。 [No.37]" in reply.text
    assert "Sources:" in reply.text


@pytest.mark.parametrize(
    ("question", "text"),
    [("水道代の口座振替を申し込みたい", ABSTAIN_JA), ("Who won the World Cup?", ABSTAIN_EN)],
)
def test_abstain_offers_suggestions_but_never_as_the_answer(
    service: AnswerService, question: str, text: str
) -> None:
    retrieval, reply = service.answer(question)
    assert not retrieval.answerable
    assert reply.mode == "abstain" and reply.text == text
    assert reply.citations == ()
    assert 1 <= len(reply.suggestions) <= 3
    assert [s.no for s in reply.suggestions] == retrieval.numbers[: len(reply.suggestions)]
    assert "[No." not in reply.text and all(s.question not in reply.text for s in reply.suggestions)


def test_follow_up_memory_after_disk_expansion_is_entry_18(service: AnswerService) -> None:
    history = (
        Turn(role="user", content=DISK),
        Turn(role="assistant", content="ディスク拡張時はサーバの停止・起動が伴います。[No.17]"),
    )
    retrieval, reply = service.answer("メモリならどう？", history=history)
    assert retrieval.search_text != "メモリならどう？"  # the previous turn was used
    assert [c.no for c in reply.citations] == [18]
    assert "②弊社にてご指定のCPU・メモリに変更します。" in reply.text


def test_follow_up_picks_the_case_from_the_question_not_the_history(service: AnswerService) -> None:
    history = (Turn(role="user", content="Cドライブを拡張したいです"),)
    _, reply = service.answer("じゃあ容量を減らす場合は？", history=history)
    assert [c.no for c in reply.citations] == [17]
    assert (
        "ケース2：既存ディスクの容量を減らす。" in reply.text
        and "②弊社にて容量の拡張作業を実施します。" not in reply.text
    )


def test_stream_sends_citations_then_the_reply_text(service: AnswerService) -> None:
    events = list(service.stream(DISK))
    assert isinstance(events[0], CitationsEvent) and [c.no for c in events[0].citations] == [17]
    assert isinstance(events[-1], DoneEvent) and not events[-1].replaced
    deltas = [e.text for e in events if isinstance(e, DeltaEvent)]
    assert len(deltas) > 3 and "".join(deltas) == events[-1].reply.text


def test_abstain_streams_suggestions_not_citations(service: AnswerService) -> None:
    events = list(service.stream("水道代の口座振替を申し込みたい"))
    first, done = events[0], events[-1]
    assert isinstance(first, CitationsEvent) and first.citations == () and first.suggestions
    assert isinstance(done, DoneEvent) and done.reply.mode == "abstain"


def test_citations_are_always_among_the_retrieved_entries(service: AnswerService) -> None:
    questions = [
        "メンテナンスの予定はどうやって知らされますか。また休日に障害が起きた場合の連絡先はありますか。",
        "スナップショットで1台目から2台目を複製できますか。あと、そのサーバ同士の通信に制限はありますか。",
        "Is the VM hostname something we decide ourselves?",
        "ワンタイムパスワードの利用を有効にできますか。パスワード自体の変更は誰がやりますか。",
    ]
    answered = 0
    for q in questions:
        retrieval, reply = service.answer(q)
        retrieved = {h.no for part in (retrieval, *retrieval.parts) for h in part.hits}
        assert {c.no for c in reply.citations} <= retrieved
        assert bool(reply.citations) == retrieval.answerable  # cited exactly when answering
        answered += retrieval.answerable
    assert answered >= 3


def test_service_can_be_shared_between_threads(service: AnswerService) -> None:
    questions = [
        DISK,
        "既存ディスクを縮小できますか",
        "壊れたSIMを交換してほしい",
        "DCの所在地を知りたい",
    ] * 3
    sequential = [service.answer(q)[1].text for q in questions]
    with ThreadPoolExecutor(max_workers=6) as pool:
        parallel = list(pool.map(lambda q: service.answer(q)[1].text, questions))
    assert parallel == sequential


def test_a_number_typed_by_the_user_is_not_taken_for_a_citation(service: AnswerService) -> None:
    # The user's words are quoted back in multi-part replies; "No.3" there must not trip the guard.
    _, reply = service.answer(
        "No.3の内容は？仮想サーバのディスク容量を変更したい。閉域網の回線速度はどのくらいですか。"
    )
    assert reply.mode == "extractive", reply.fallback_reason
    assert 17 in [c.no for c in reply.citations]
