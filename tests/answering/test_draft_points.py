"""Support-desk drafts of multi-point mails: one paragraph per point, each citing only its own entries.

Mails in list form, running prose and unpunctuated voice input; points asked, wished for or told as
problems; greetings, pleasantries and signatures that must never become a point or be quoted back.
"""

from __future__ import annotations

import re

import pytest

from bot.answering.drafting import NOT_COVERED
from bot.answering.extractive import label
from bot.answering.service import AnswerService
from bot.answering.types import Draft

LIST_MAIL = """いつもお世話になっております。
株式会社みなと水道システムの森と申します。

1. ポータルサイトで使っているIDを後から変更できますか
2. 仮想サーバのCPUを増やしたい
3. ロードバランサを構築してもらえるサービスはありますか
4. 御社の会社案内パンフレットの送付

お忙しいところ恐縮ですが、ご回答のほどよろしくお願いいたします。
――――――――――――――
株式会社みなと水道システム 開発部
森 一郎
TEL：06-0000-1111
mori@minato-ws.example.jp"""

PROSE_MAIL = (
    "お世話になっております。〇〇水道サービスの斎藤でございます。"
    "現在、閉域網のモバイル回線を利用しております。月末に通信量が契約容量を超えそうなのですが、"
    "超えた場合に通信が制限されるのでしょうか。加えて、契約容量を途中で変更した場合、"
    "いつから反映されるのかも教えてください。なお、データセンターがどの地域にあるかも知りたいと"
    "考えております。以上、よろしくお願いいたします。"
)

# Lines of the mails above that are greeting, introduction, pleasantry or signature.
NOT_POINTS = ("お世話に", "森と申します", "斎藤", "恐縮", "よろしく", "森 一郎", "06-0000", "mori@", "開発部")


def _cited(draft: Draft) -> list[list[int]]:
    return [[c.no for c in p.citations] for p in draft.paragraphs]


def _assert_each_paragraph_cites_only_its_own(draft: Draft) -> None:
    for p in draft.paragraphs:
        in_text = {int(n) for n in re.findall(r"\[No\.(\d+)\]", p.text)}
        assert in_text == {c.no for c in p.citations}, p.text
    assert [c.no for c in draft.citations] == list(
        dict.fromkeys(c.no for p in draft.paragraphs for c in p.citations)
    )


def _assert_no_boilerplate_quoted(draft: Draft) -> None:
    for p in draft.paragraphs:
        for phrase in NOT_POINTS:
            assert phrase not in p.inquiry and phrase not in p.text, (phrase, p.inquiry)


def test_list_mail_gets_one_paragraph_per_item_and_the_uncovered_item_to_confirm(
    service: AnswerService,
) -> None:
    draft = service.draft(LIST_MAIL)
    assert _cited(draft) == [[9], [18], [32], []]  # item 2 is a wish, with no question mark
    assert [p.covered for p in draft.paragraphs] == [True, True, True, False]
    assert draft.paragraphs[3].text == NOT_COVERED.format(question="御社の会社案内パンフレットの送付")
    _assert_each_paragraph_cites_only_its_own(draft)
    _assert_no_boilerplate_quoted(draft)


def test_prose_mail_joined_by_conjunctions_gets_a_paragraph_per_point(service: AnswerService) -> None:
    draft = service.draft(PROSE_MAIL)
    assert _cited(draft) == [[38], [39], [47]]
    assert draft.paragraphs[1].inquiry.startswith("加えて、契約容量を途中で変更した場合")
    assert draft.paragraphs[2].inquiry.startswith("なお、データセンター")
    _assert_each_paragraph_cites_only_its_own(draft)
    _assert_no_boilerplate_quoted(draft)


@pytest.mark.parametrize(
    ("mail", "expected"),
    [
        (  # a problem and a wish, neither asked as a question
            "お世話になっております。\nポータルサイトのパスワードを忘れてしまい困っています。\n"
            "仮想サーバのディスクを増設したいと考えております。\nよろしくお願いいたします。",
            [[7], [17]],
        ),
        ("パスワードを忘れました。また、仮想サーバのメモリを増やしたい。", [[7], [18]]),
        (  # compact: two points in one line, joined by 「〜たいのと、」
            "お世話になります。ポータルのIDを変えたいのと、同姓同名のユーザーを登録できるか知りたいです。"
            "よろしくお願いします。",
            [[9], [10]],
        ),
    ],
)
def test_wishes_problems_and_compact_mails_get_their_own_entries(
    service: AnswerService, mail: str, expected: list[list[int]]
) -> None:
    draft = service.draft(mail)
    assert _cited(draft) == expected
    _assert_each_paragraph_cites_only_its_own(draft)


@pytest.mark.parametrize(
    ("mail", "expected"),
    [
        (
            "ポータルのパスワードを忘れたんですけどどうすればいいですかあとSIMを再発行したいので流れを教えてほしいです",
            [[7], [41]],
        ),
        (
            "メモリを増やしたいのとディスクも増やしたいそれからデータセンターはどこにあるの",
            [[18], [17], [47]],
        ),
    ],
)
def test_voice_input_without_punctuation_is_not_one_giant_point(
    service: AnswerService, mail: str, expected: list[list[int]]
) -> None:
    draft = service.draft(mail)
    assert _cited(draft) == expected
    _assert_each_paragraph_cites_only_its_own(draft)


def test_a_point_outside_the_faq_is_reported_uncovered_not_answered_with_the_nearest_entry(
    service: AnswerService,
) -> None:
    mail = (
        "お世話になっております。\nSIMの再発行の流れを教えてください。"
        "また、弊社の社員旅行の行き先についてご相談させてください。\nよろしくお願いいたします。"
    )
    draft = service.draft(mail)
    assert _cited(draft) == [[41], []]
    outside = draft.paragraphs[1]
    assert not outside.covered and "[No." not in outside.text
    assert outside.text == NOT_COVERED.format(question=label(outside.inquiry))
    assert "社員旅行" in outside.text


def test_a_single_point_mail_quotes_the_point_not_the_mail(service: AnswerService) -> None:
    mail = (
        "お世話になっております。\n仮想サーバを解約したいのですが、必要な手続きを教えてください。\n"
        "よろしくお願いいたします。\n\n水道テック株式会社\n技術部 小林 健太\nTEL 03-0000-2222"
    )
    draft = service.draft(mail)
    (paragraph,) = draft.paragraphs
    assert paragraph.inquiry == "仮想サーバを解約したいのですが、必要な手続きを教えてください。"
    assert [c.no for c in paragraph.citations] == [15]
    assert "小林" not in draft.text and "03-0000-2222" not in draft.text
