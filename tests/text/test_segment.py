"""split_questions: one segment per question asked, without greetings and signatures."""

from __future__ import annotations

import pytest

from bot.text.segment import split_questions

EMAIL = """お世話になっております。
株式会社サンプル水道システムの佐藤です。

1. 仮想サーバのディスクを増設する場合、サーバの停止は必要でしょうか。
2. 閉域網のSIMカードはどちらから発行されますか？

お忙しいところ恐れ入りますが、よろしくお願いいたします。
--------
株式会社サンプル水道システム 佐藤
TEL: 03-0000-0000"""


def test_greeting_and_signature_are_dropped_and_numbered_questions_split() -> None:
    assert split_questions(EMAIL) == [
        "仮想サーバのディスクを増設する場合、サーバの停止は必要でしょうか。",
        "閉域網のSIMカードはどちらから発行されますか？",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "仮想サーバのメモリを増やす場合、どのような作業が発生しますか？",
        "How do I reset my portal password?",
        "NTP 時刻同期",  # keywords: no question cue, kept whole
        "ザビックスの通知先メアドって何個も登録できる？",
    ],
)
def test_a_single_question_stays_whole(text: str) -> None:
    assert split_questions(text) == [text]


def test_sentences_in_one_line_are_split_at_question_marks() -> None:
    parts = split_questions(
        "ウイルス対策ソフトの定義ファイルはどう更新しますか？OSのパッチはどう当てますか？"
    )
    assert parts == ["ウイルス対策ソフトの定義ファイルはどう更新しますか？", "OSのパッチはどう当てますか？"]


def test_circled_and_bulleted_items_are_split() -> None:
    text = "①SIMの再発行はできますか\n②ルータは誰が手配しますか\n・通信量の上限はありますか"
    assert split_questions(text) == [
        "SIMの再発行はできますか",
        "ルータは誰が手配しますか",
        "通信量の上限はありますか",
    ]


def test_english_mail_greetings_are_dropped() -> None:
    text = "Hello,\nCan we add a second NTP server?\nWho issues the SIM cards?\nBest regards,\nJohn"
    assert split_questions(text) == ["Can we add a second NTP server?", "Who issues the SIM cards?"]


def test_empty_text_has_no_questions() -> None:
    assert split_questions("  \n ") == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # The example in segment._attach_context's own comment.
        ("VMを2台構築予定です。通信制約は？", "VMを2台構築予定です。通信制約は？"),
        ("ディスクを増やしたいです。\nあと、SIMは誰が発行しますか？", "ディスクを増やしたいです。"),
        (
            "以上の構成で問題ないでしょうか？\nまた、SIMは誰が発行しますか？",
            "以上の構成で問題ないでしょうか？",
        ),
    ],
)
def test_short_statements_ending_in_desu_are_not_boilerplate(text: str, kept: str) -> None:
    assert kept in split_questions(text)


def test_requests_written_as_wishes_are_questions_too() -> None:
    mail = "1. VMのCPUを増やしたい\n2. 閉域網の回線速度は？\n3. ディスクも増やしたいです。"
    assert split_questions(mail) == [
        "VMのCPUを増やしたい",
        "閉域網の回線速度は？",
        "ディスクも増やしたいです。",
    ]


def test_a_very_short_question_continues_the_previous_one() -> None:
    assert split_questions("アプリサーバ間の通信に制約はありますか。別料金ですか？") == [
        "アプリサーバ間の通信に制約はありますか。別料金ですか？"
    ]


# --- Multi-point support-desk mails (issue 7, item 5) -------------------------------------------

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


def test_list_mail_gives_one_segment_per_item_and_nothing_else() -> None:
    # Item 2 is a wish without a question mark, item 4 a bare noun phrase: both are points.
    assert split_questions(LIST_MAIL) == [
        "ポータルサイトで使っているIDを後から変更できますか",
        "仮想サーバのCPUを増やしたい",
        "ロードバランサを構築してもらえるサービスはありますか",
        "御社の会社案内パンフレットの送付",
    ]


def test_prose_mail_splits_at_conjunctions_and_keeps_scene_setting_with_its_point() -> None:
    mail = (
        "お世話になっております。〇〇水道サービスの斎藤でございます。"
        "現在、閉域網のモバイル回線を利用しております。月末に通信量が契約容量を超えそうなのですが、"
        "超えた場合に通信が制限されるのでしょうか。加えて、契約容量を途中で変更した場合、"
        "いつから反映されるのかも教えてください。なお、データセンターがどの地域にあるかも知りたいと"
        "考えております。以上、よろしくお願いいたします。"
    )
    assert split_questions(mail) == [
        "現在、閉域網のモバイル回線を利用しております。月末に通信量が契約容量を超えそうなのですが、"
        "超えた場合に通信が制限されるのでしょうか。",
        "加えて、契約容量を途中で変更した場合、いつから反映されるのかも教えてください。",
        "なお、データセンターがどの地域にあるかも知りたいと考えております。",
    ]


@pytest.mark.parametrize("conjunction", ["また、", "それと、", "加えて、", "なお、", "それから", "あと、"])
def test_prose_questions_joined_by_a_conjunction_split(conjunction: str) -> None:
    mail = f"SIMを再発行するときの流れを教えてください。{conjunction}ルータの手配は誰が行いますか。"
    parts = split_questions(mail)
    assert len(parts) == 2 and parts[0] == "SIMを再発行するときの流れを教えてください。"
    assert parts[1].endswith("ルータの手配は誰が行いますか。")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("パスワードを忘れました。\nメモリを増やしたい", ["パスワードを忘れました。", "メモリを増やしたい"]),
        (
            "ポータルにログインできなくて困っています。仮想サーバのディスクを増設したいと考えております。",
            [
                "ポータルにログインできなくて困っています。",
                "仮想サーバのディスクを増設したいと考えております。",
            ],
        ),
        (
            "閉域網のルータが壊れてしまいました。それと、SIMカードも紛失しました。",
            ["閉域網のルータが壊れてしまいました。", "それと、SIMカードも紛失しました。"],
        ),
    ],
)
def test_wishes_and_problems_without_question_marks_are_points(text: str, expected: list[str]) -> None:
    assert split_questions(text) == expected


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("ポータルのパスワードを忘れたんですけどどうすればいいですかあとSIMの再発行の流れも知りたいです", 2),
        ("メモリを増やしたいのとディスクも増やしたいそれからデータセンターはどこにあるの", 3),
        ("SIMって再発行できますかもう一つ聞きたいんですけどルータは誰が用意するんですか", 2),
        ("仮想サーバにソフトを持ち込めますか次にホスト名は指定できますか", 2),
        ("パスワード忘れたまた容量を超えたら通信制限かかりますか", 2),
        ("バックアップLTEへの切り替えは自動ですかまたSLAの目標値も教えてください", 2),
    ],
)
def test_voice_input_without_punctuation_splits_at_conjunction_cues(text: str, n: int) -> None:
    parts = split_questions(text)
    assert len(parts) == n
    assert "".join(parts).replace("のと", "") == text.replace("のと", "")  # nothing lost or added


@pytest.mark.parametrize(
    "text",
    [
        # The second sentence refers back ("その場合", "それは") or names nothing new.
        "アプリサーバを2台で冗長化したいと考えています。その場合、1台目を複製して2台目にできますか。",
        "運用体制はどうなっていますか。また、それは基本サービスの範囲に含まれますか。",
        "ポータルのパスワードを忘れてしまいました。リセットするにはどうすればよいですか。",
        "閉域網の回線が切れて困っています。切断されたときに通知は来るのでしょうか。",
        "SIMの再発行はできますか。費用はかかりますか。",
        "I forgot my portal password. How can I get it reset?",
        "仮想サーバのOSを更新したいです。(例: 2016から2019へ)",
        "稼働率99.9%は保証されますか",
    ],
)
def test_a_point_told_in_several_sentences_stays_one_segment(text: str) -> None:
    assert split_questions(text) == [text]


def test_a_parallel_also_sentence_is_a_new_point() -> None:
    assert split_questions("仮想サーバのCPUを増やしたい。ディスクも増やしたい。") == [
        "仮想サーバのCPUを増やしたい。",
        "ディスクも増やしたい。",
    ]


@pytest.mark.parametrize(
    "courtesy",
    [
        "よろしくお願いいたします。",
        "何卒よろしくお願い申し上げます。",
        "ご回答いただけますと幸いです。",
        "ご教示のほどよろしくお願いいたします。",
        "お忙しいところ恐縮ですが、ご確認をお願いいたします。",
        "お手数をおかけしますが、よろしくお願いします。",
        "早速のご回答ありがとうございます。",
        "以上です。",
    ],
)
def test_pleasantries_are_never_points(courtesy: str) -> None:
    assert split_questions(f"お世話になっております。\nSIMの再発行はできますか。\n{courtesy}") == [
        "SIMの再発行はできますか。"
    ]


def test_a_pleasantry_opening_a_question_is_stripped_and_the_question_kept() -> None:
    assert split_questions("お忙しいところ恐縮ですが、SIMを紛失した場合の再発行手順を教えてください。") == [
        "SIMを紛失した場合の再発行手順を教えてください。"
    ]


@pytest.mark.parametrize(
    "signature",
    [
        "――――\n水道テック株式会社\n技術部 小林 健太\nTEL 03-0000-2222",
        "--\n小林 健太\nkobayashi@example.co.jp",
        "株式会社サンプル\n営業推進部\n電話：045-000-0000",
    ],
)
def test_signatures_are_dropped(signature: str) -> None:
    mail = f"お世話になっております。\nポータルのIDを変えたいです。\nよろしくお願いします。\n{signature}"
    assert split_questions(mail) == ["ポータルのIDを変えたいです。"]


def test_items_announced_by_a_header_are_points_but_a_bullet_list_of_facts_is_context() -> None:
    announced = "下記2点についてご教示ください。\n・固定回線を敷設するときの流れ\n・IPSEC設計の内容"
    assert split_questions(announced) == ["固定回線を敷設するときの流れ", "IPSEC設計の内容"]
    facts = (
        "現在の構成は以下のとおりです。\n・Webサーバ 2台\n・DBサーバ 1台\nこの構成で通信に制約はありますか。"
    )
    assert split_questions(facts) == [
        "現在の構成は以下のとおりです。Webサーバ 2台DBサーバ 1台この構成で通信に制約はありますか。"
    ]


def test_kanji_numbered_items_are_split() -> None:
    mail = "一点目：仮想サーバを解約するにはどうすればよいですか\n二点目：御社主催のセミナーの日程"
    assert split_questions(mail) == [
        "仮想サーバを解約するにはどうすればよいですか",
        "御社主催のセミナーの日程",
    ]
