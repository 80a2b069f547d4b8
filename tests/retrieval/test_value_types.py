"""Value types: what a question asks for, what an answer gives, and the real FAQ answering itself."""

from __future__ import annotations

import pytest

from bot.ingest import load_entries
from bot.models import FaqEntry
from bot.retrieval.value_types import ValueType, asked_value_types, missing_value, values_present
from bot.settings import ROOT

V = ValueType


@pytest.fixture(scope="module")
def entries() -> dict[int, FaqEntry]:
    return {e.no: e for e in load_entries(ROOT / "data")}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # money
        ("閉域網の月額料金はいくらですか", V.AMOUNT),
        ("これっていくらかかるの？", V.AMOUNT),
        ("しょきひようはいくら", V.AMOUNT),
        ("初期費用を教えてください", V.AMOUNT),
        ("スナップショットのコストはどれくらい？", V.AMOUNT),
        ("How much does the SMTP option cost?", V.AMOUNT),
        ("What is the monthly fee for a mobile SIM?", V.AMOUNT),
        ("短信服务多少钱？", V.AMOUNT),
        ("固定线路的价格是多少？", V.AMOUNT),
        ("모바일 회선 요금은 얼마예요?", V.AMOUNT),
        ("스냅샷 비용이 얼마나 드나요?", V.AMOUNT),
        # addresses
        ("仮想サーバのIPアドレスは何ですか", V.IP_ADDRESS),
        ("ＮＴＰサーバのＩＰを教えて", V.IP_ADDRESS),
        ("What is the IP address of the NTP server?", V.IP_ADDRESS),
        ("NTP服务器的IP地址是多少？", V.IP_ADDRESS),
        ("NTP 서버 IP 주소가 뭐예요?", V.IP_ADDRESS),
        ("ポータルのURLを教えてください", V.URL),
        ("What's the URL of the portal?", V.URL),
        ("门户网站的网址是什么？", V.URL),
        ("포털 URL 알려주세요", V.URL),
        ("問い合わせ先のメールアドレスは？", V.EMAIL),
        ("What email address should we write to?", V.EMAIL),
        ("客服邮箱是多少？", V.EMAIL),
        ("문의용 이메일 주소가 뭐예요?", V.EMAIL),
        ("JECCの住所を教えて", V.POSTAL_ADDRESS),
        ("What is the postal address of JECC?", V.POSTAL_ADDRESS),
        ("贵公司的地址是什么？", V.POSTAL_ADDRESS),
        ("회사 주소가 어떻게 되나요?", V.POSTAL_ADDRESS),
        ("サポートの電話番号は何番ですか", V.PHONE),
        ("サポート窓口 電話番号", V.PHONE),
        ("でんわばんごうおしえて", V.PHONE),
        ("What's the support phone number?", V.PHONE),
        ("客服电话是多少？", V.PHONE),
        ("고객센터 전화번호 알려주세요", V.PHONE),
        # dates and times
        ("メンテナンスはいつ行われますか", V.DATETIME),
        ("なんじからなんじまでたいおうしてくれる？", V.DATETIME),
        ("問い合わせの受付時間は？", V.DATETIME),
        ("ナンジカラ ツカエル？", V.DATETIME),
        ("申込の締め切りを教えてください", V.DATETIME),
        ("When will the next maintenance be announced?", V.DATETIME),
        ("How long does a password reset take?", V.DATETIME),
        ("维护什么时候进行？", V.DATETIME),
        ("开通需要多长时间？", V.DATETIME),
        ("정기 점검은 언제 하나요?", V.DATETIME),
        ("개통까지 얼마나 걸리나요?", V.DATETIME),
        # counts, sizes, limits
        ("ユーザは何人まで登録できますか", V.COUNT),
        ("ディスクは何GBまで増やせる？", V.COUNT),
        ("さーばはなんだいまでつくれる？", V.COUNT),
        ("ディスク容量の上限は？", V.COUNT),
        ("How many servers can one tenant have?", V.COUNT),
        ("What is the maximum disk size?", V.COUNT),
        ("一个租户最多可以创建几台服务器？", V.COUNT),
        ("서버는 최대 몇 대까지 만들 수 있나요?", V.COUNT),
        # percentages
        ("稼働率は何%ですか", V.PERCENT),
        ("SLAの稼働率の目標値はどのくらい？", V.PERCENT),
        ("What is the uptime percentage?", V.PERCENT),
        ("可用率是多少？", V.PERCENT),
        ("가동률은 몇 퍼센트인가요?", V.PERCENT),
        # names
        ("営業担当者の名前を教えてください", V.PERSON),
        ("What is the name of our sales representative?", V.PERSON),
        ("销售负责人的名字是什么？", V.PERSON),
        ("담당자 이름이 뭐예요?", V.PERSON),
        # versions
        ("Zabbixのバージョンは？", V.VERSION),
        ("どのバージョンのWindows Serverが使えますか", V.VERSION),
        ("Which version of Windows Server is supported?", V.VERSION),
        ("支持哪个版本的Windows？", V.VERSION),
        ("어떤 버전의 윈도우를 지원하나요?", V.VERSION),
    ],
)
def test_asking_for_a_value_is_detected(question: str, expected: ValueType) -> None:
    assert expected in asked_value_types(question)


@pytest.mark.parametrize(
    "question",
    [
        # yes/no about cost is not a request for an amount
        "有償ですか？",
        "料金はかかりますか",
        "これって無料？",
        "Is it free?",
        "Is there a fee for a SIM reissue?",
        "是否收费？",
        "무료인가요?",
        # asking whom to contact is not asking for a person's name
        "誰に連絡すればいいですか",
        "パスワードを忘れたら誰に言えばいい？",
        "Who should I contact about a broken router?",
        "应该联系谁？",
        "누구에게 연락해야 하나요?",
        # value nouns that are only mentioned
        "IPアドレスは指定できますか",
        "Can I choose the IP address?",
        "可以指定IP地址吗？",
        "IP 주소를 지정할 수 있나요?",
        "通知メールアドレスを複数設定できますか",
        "How do I change my email address?",
        "What happens to my email address when a user is deleted?",
        "バージョンアップは自分でできますか",
        "容量を超えたら通信制限がかかりますか",
        "SLAとは何ですか",
        "什么是SLA？",
        # how/why questions and conjunctions that look like interrogatives
        "時刻はどのように管理されていますか",
        "回線が切断されたときに通知されますか",
        "いつも使っているPCから接続できますか",
        "いくつかの方法がありますか",
        "ドイツからも接続できますか",
        "Will I be notified when the line goes down?",
        "When a router breaks, who replaces it?",
        "When is IPsec required on a mobile line?",
        "费用包含在基本服务里吗？",
        "비용이 드나요?",
        "얼마 전에 신청했는데 아직 안 왔어요",
    ],
)
def test_questions_that_ask_for_no_value(question: str) -> None:
    assert asked_value_types(question) == frozenset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("月額5,000円（税別）", V.AMOUNT),
        ("¥12,000 per month", V.AMOUNT),
        ("基本サービス料金に含まれております", V.AMOUNT),
        ("192.168.10.0/24 を払い出します", V.IP_ADDRESS),
        ("詳細は https://www.jecc.com/ をご覧ください", V.URL),
        ("support@example.co.jp までご連絡ください", V.EMAIL),
        ("〒100-0005 東京都千代田区丸の内1-1", V.POSTAL_ADDRESS),
        ("受付は 03-1234-5678 です", V.PHONE),
        ("2026/3/31 までにご提出ください", V.DATETIME),
        ("3月31日に実施します", V.DATETIME),
        ("平日9時〜17時に対応します", V.DATETIME),
        ("24時間365日受け付けております", V.DATETIME),
        ("実施日の2週間前にご案内します", V.DATETIME),
        ("サーバを2台構築できます", V.COUNT),
        ("選択肢は3つあります", V.COUNT),
        ("上限10までです", V.COUNT),
        ("100GBのディスク", V.COUNT),
        ("月間稼働率99.95%", V.PERCENT),
        ("担当：山田", V.PERSON),
        ("Zabbix 6.0 を利用しています", V.VERSION),
        ("Windows Server 2019 に対応", V.VERSION),
    ],
)
def test_values_in_an_answer_are_found(text: str, expected: ValueType) -> None:
    assert expected in values_present(text)


def test_plain_prose_contains_no_value() -> None:
    assert values_present("弊社までご連絡ください。パスワードをリセットさせていただきます。") == frozenset()


def test_missing_value_against_real_entries(entries: dict[int, FaqEntry]) -> None:
    password, maintenance, sla, data_centre = (entries[n].answer for n in (7, 2, 46, 47))
    assert missing_value("パスワードのリセットはいくらですか", password) is V.AMOUNT
    assert missing_value("パスワードのリセットはいつまでに終わる？", password) is V.DATETIME
    assert missing_value("What is the phone number for a password reset?", password) is V.PHONE
    # 「2週間前」 answers "when", 99.95% answers the SLA, 東京都内 answers where
    assert missing_value("メンテナンスはいつ通知されますか", maintenance) is None
    assert missing_value("稼働率はいくつですか", sla) is None
    assert missing_value("データセンターの住所は？", data_centre) is None
    assert missing_value("SLAの稼働率は何%ですか", data_centre) is V.PERCENT
    assert missing_value("How does a password reset work?", password) is None


def test_no_faq_entry_is_missing_a_value_it_answers(entries: dict[int, FaqEntry]) -> None:
    """Every entry's own question, paraphrases and English questions are answered by its own text."""
    flagged = [
        (e.no, q, missing_value(q, e.answer))
        for e in entries.values()
        for q in (e.question, *e.alt_questions, *e.en_questions)
        if missing_value(q, e.answer) is not None
    ]
    assert flagged == []


def test_some_faq_questions_do_ask_for_values(entries: dict[int, FaqEntry]) -> None:
    # Guards the property above against a detector that never fires.
    asking = [e.no for e in entries.values() if asked_value_types(e.question)]
    assert {33, 37, 39, 46} <= set(asking)
    paraphrases = [q for e in entries.values() for q in (*e.alt_questions, *e.en_questions)]
    assert sum(1 for q in paraphrases if asked_value_types(q)) >= 30
