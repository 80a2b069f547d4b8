"""Values the FAQ never gives: what kind of value a question asks for, and whether an entry has one.

`asked_value_types` reads the question's asking form — an interrogative (いくら, 何台, when, 多少钱, 언제) or
a value noun in an asking frame (「…は何」「…を教えて」, "what is the …", 「…是多少」, 「…은 뭐」);
`values_present` finds values in the entry (digits with units, ¥/円, %, IPv4, URLs, dates, counts).
The question side is narrow and the entry side loose: a wrong refusal costs more than a missed trap.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class ValueType(StrEnum):
    AMOUNT = "amount"  # money: price, fee, cost
    IP_ADDRESS = "ip_address"
    URL = "url"
    EMAIL = "email"
    POSTAL_ADDRESS = "postal_address"
    PHONE = "phone"
    DATETIME = "datetime"  # date, time of day, hours, duration, deadline
    COUNT = "count"  # how many, size, capacity, upper limit
    PERCENT = "percent"  # SLA, uptime
    PERSON = "person"  # a person's name
    VERSION = "version"


# Asking frames that turn a value noun into a request for that value, one per language.
_KANA = r"[ぁ-ヿ]"
_JA_Q = (
    r"(?:何(?!か|で(?!す|しょ)|を|に|が|も|と)|なに(?!か|を|に|が|も)|なん(?:です|でしょ|なの|だ)|"
    r"どれ(?!か)|いくつ(?!か)|いくら|ど(?:の|れ)(?:くらい|ぐらい|程度)|\?)"
)
_JA_TELL = r"(?:教えて|おしえて|知りたい|しりたい|ください|下さい|ちょうだい|お願い|おねがい|確認したい)"
_JA_ASK = rf"\s*(?:(?:は|が)?\s*{_JA_Q}|(?:を|は|が)?\s*{_JA_TELL}|[。.!]?\s*$)"
_EN_WORD = r"(?!(?:to|for|of|if|when|with|in|on|by|from|and|or|that|this|change|set|happens)\b)[\w'-]+"
_EN_AUX = (
    r"can|could|is|are|am|do|does|did|will|would|should|may|might|must|shall|"
    r"how|why|what|which|where|who|when|please|tell|i|we|if"
)
_EN_PRE = (
    rf"\bwhat(?:'s|\s+is|\s+are|\s+was|\s+were|\s+will\s+be)\s+(?:(?:the|your|our|its|their|a|an)\s+)?"
    rf"(?:{_EN_WORD}\s+){{0,3}}|\b(?:what|which)\s+(?:{_EN_WORD}\s+)?|"
    rf"\b(?:tell|give|send|show)\s+(?:me|us)\s+(?:(?:the|your|a|an)\s+)?(?:{_EN_WORD}\s+){{0,3}}"
)
# The noun must be the head of its phrase: "what link speed" and "which date format" ask for no link/date.
_EN_HEAD = (
    r"(?=\s*(?:[?.!,]|$)|\s+(?:is|are|was|were|do|does|did|should|can|could|will|would|must|shall|has|have|"
    r"for|of|to|on|at|in|from|after|before|per|with|and|or|that|we|i|you|they)\b)"
)
_ZH_ASK = r"\s*(?:是|为|大概|大约|一般)?\s*(?:多少|什么|啥|几|哪)|\s*[?]?\s*$"
_KO_ASK = r"\s*(?:은|는|이|가|을|를|도)?\s*(?:뭐|무엇|무슨|어떻게\s*되|얼마|몇|알려|가르쳐|어디|\?|$)"


def _asked_by_nouns(ja: str, en: str, zh: str, ko: str) -> str:
    """A value noun in each language, followed (or in English preceded) by that language's asking frame.

    Each frame only applies to text in its own script, so "Can I choose the IP?" is not read as the
    Japanese 「IP？」. An empty noun list leaves the language out.
    """
    frames = (
        rf"^(?=.*{_KANA}).*?(?:{ja}){_JA_ASK}",
        rf"^(?!.*{_KANA}).*?(?:{_EN_PRE})(?:{en}){_EN_HEAD}",
        rf"^(?!.*{_KANA})(?!\s*(?:{_EN_AUX})\b).*\b(?:{en})\s*[?.!]*\s*$",
        rf"^(?!.*{_KANA})(?=.*[一-鿿]).*?(?:(?:{zh})(?:{_ZH_ASK})|(?:告诉|提供|给)(?:我|一下)?(?:{zh}))",
        rf"^(?=.*[가-힣]).*?(?:{ko})(?:{_KO_ASK})",
    )
    return "|".join(frame for frame, noun in zip(frames, (ja, en, en, zh, ko), strict=True) if noun)


_MONEY_JA = r"料金|費用|金額|値段|価格|月額|年額|単価|利用料|コスト|見積(?:もり|り)?|りょうきん|ひよう|ねだん"
_COUNT_JA = (
    r"上限(?:値|数)?|最大(?:数|容量|接続数)|容量|台数|件数|人数|個数|回数|サイズ|データ量|通信量|帯域|"
    r"(?:同時)?接続数|ユーザー?数|アカウント数"
)
_NOT_WHEN = (  # "when is IPsec required" asks for a circumstance, not a time
    r"(?!.*\b(?:required|needed|necessary|mandatory|allowed|permitted|possible|applicable|recommended|used|"
    r"happens?)\b)"
)
# 「どのくらいかかりますか」 could ask a price as well as a duration: a duration only if no money is named.
_VAGUE_DURATION = re.compile(r"ど(?:の|れ)(?:くらい|ぐらい|程度)(?:かか|で)|얼마나\s*(?:걸리|소요)|多久")

_ASKED_SOURCES: dict[ValueType, str] = {
    ValueType.AMOUNT: (
        r"いくら(?!か(?![かな?]|$)|でも)|幾ら|何円|なんえん|多少钱|几块钱|怎么收费|如何收费|"
        r"얼마(?!나|\s*(?:동안|간|전|후|뒤|만))|(?:비용|요금|가격|금액|값)\s*(?:이|은|는)?\s*얼마나|"
        r"\bhow\s+much\b(?=.{0,40}\b(?:costs?|charged?|pay|fees?|prices?|yen|dollars?|money)\b)|"
        r"\bhow\s+much\s+(?:is|are|for)\b(?!.{0,40}\b(?:data|storage|space|memory|disk|capacity|time|uptime)\b)|"
        r"\bhow\s+expensive\b|\bprice\s+list\b|"
    )
    + _asked_by_nouns(
        _MONEY_JA + "|料金表",
        r"prices?|costs?|fees?|charges?|rates?|pricing|quote|quotation",
        r"价格|费用|价钱|收费标准|月费|年费|单价|金额|报价",
        r"비용|요금|가격|금액|견적",
    ),
    ValueType.IP_ADDRESS: _asked_by_nouns(
        r"IP\s*(?:アドレス|レンジ|帯)?|サブネット|セグメント|CIDR",
        r"ip(?:\s+address(?:es)?|\s+range)?|subnet|cidr",
        r"IP(?:地址|段)?|网段|子网",
        r"IP(?:\s*주소)?|아이피|서브넷",
    ),
    ValueType.URL: _asked_by_nouns(
        r"URL|ホームページ|リンク(?:先)?|ウェブサイト|Webサイト|Webページ|サイトのアドレス",
        r"url|link|website|web\s+site|web\s*page|homepage|web\s+address",
        r"网址|链接|网站|网页|URL",
        r"URL|링크|홈페이지(?:\s*주소)?|웹사이트|사이트\s*주소",
    ),
    ValueType.EMAIL: _asked_by_nouns(
        r"(?:E-?)?メールアドレス|メアド|メールのアドレス",
        r"e-?mail(?:\s+address)?|mail\s+address",
        r"邮箱(?:地址)?|电子邮件(?:地址)?|邮件地址",
        r"이메일(?:\s*주소)?|메일\s*주소",
    ),
    ValueType.POSTAL_ADDRESS: _asked_by_nouns(
        r"住所|所在地|郵便番号|じゅうしょ",
        r"(?<!ip )(?<!mail )(?<!web )(?<!site )(?<!mac )address|zip\s+code|post(?:al\s+)?code",
        r"(?<!IP)(?<!邮箱)(?<!邮件)(?<!网站)(?<!网页)地址|邮编|邮政编码",
        r"(?<!IP )(?<!IP)(?<!메일 )(?<!메일)(?<!페이지 )(?<!페이지)(?<!사이트 )(?<!사이트)주소|우편번호",
    ),
    ValueType.PHONE: r"電話.{0,4}何番|\bwhat\s+number\s+(?:do|should|can)\s+(?:i|we)\s+(?:call|dial)\b|"
    + _asked_by_nouns(
        r"電話番号|電話|TEL|フリーダイヤル|でんわ(?:ばんごう)?",
        r"(?:tele)?phone(?:\s+number)?|hotline",
        r"电话(?:号码)?|联系电话|客服电话|热线",
        r"전화\s*번호|전화",
    ),
    ValueType.DATETIME: (
        r"(?<![こそあど])いつ(?!も|でも|か(?!ら)|の間)|何時(?!でも)|何(?:日|曜|月|年|週|ヶ月|か月|カ月|分|秒|営業日)|"
        r"なん(?:じ|にち|ようび|がつ|ねん|ぷん|しゅうかん|かげつ)|どの(?:時点|タイミング)|"
        r"ど(?:の|れ)(?:くらい|ぐらい|程度)の?(?:期間|時間|日数)|"
        rf"(?:^\s*|\b(?:and|or|but)\s+)when\s+(?:is|are|was|were|will|do|does|did|can|should|must|shall)\b{_NOT_WHEN}|"
        rf"\b(?:what\s+time|(?:which|what)\s+(?:days?|dates?|hours|month|year)){_EN_HEAD}|"
        r"\b(?:by|until|since|from)\s+when\b|"
        r"\bhow\s+(?:long|soon|early|far\s+in\s+advance|many\s+(?:days|hours|weeks|months|years|minutes|business))\b|"
        r"什么时候|何时|几点|几号|几月|哪天|哪一天|多长时间|多少时间|多少天|几天|几个月|几周|几小时|"
        r"언제|몇\s*시|며칠|몇\s*월|몇\s*일|얼마\s*동안|"
    )
    + _asked_by_nouns(
        r"期間|期限|期日|締め?切り?|納期|日程|日時|日付|(?:営業|受付|対応|サポート|作業|メンテナンス|所要)時間|"
        r"時間帯|リードタイム|スケジュール|(?:開始|終了|解約)日|しめきり",
        r"deadline|lead\s+time|(?:business|opening|support|office)\s+hours|schedule|date|time\s*frame|duration",
        r"截止(?:日期|时间)|期限|营业时间|服务时间|日期",
        r"기간|마감|기한|(?:영업|운영)\s*시간|일정|날짜",
    ),
    ValueType.COUNT: (
        r"何(?:台|件|個|人|名|回|本|枚|種類|GB|TB|MB|ギガ|ユーザ|アカウント|拠点|か所|ヶ所|箇所|ライセンス|倍)|"
        r"なん(?:だい|けん|こ(?!う)|にん|めい|ぼん|まい|しゅるい|ギガ|ぎが)|いくつ(?!か(?![?]|$))|"
        rf"(?:最大|上限)(?:で|は)?\s*(?:何|なん|いくつ|ど(?:の|れ)(?:くらい|ぐらい))|"
        rf"ど(?:の|れ)(?:くらい|ぐらい|程度)の?(?:{_COUNT_JA}|数|量)|"
        r"\bhow\s+(?:big|large|many\b(?!\s+(?:days|hours|weeks|months|years|minutes|seconds|business|percent)))|"
        r"\bhow\s+much\s+(?:data|storage|space|memory|disk|capacity|bandwidth|traffic|ram)\b|"
        r"\bmax(?:imum)?\s+(?:number|size|capacity|count|amount)\b|"
        r"几(?:台|个|件|人|次|种|位|GB|G|T)|多少(?:台|个|件|人|次|种|位|GB|G|T|用户|账号|容量|流量)|多大|"
        r"最多.{0,8}(?:几|多少)|몇\s*(?:대|개|명|건|번|회|GB|기가|테라|종류|사람|계정)|"
        r"최대\s*(?:몇|얼마)|얼마나\s*(?:많|큰|크)|"
    )
    + _asked_by_nouns(
        _COUNT_JA,
        r"(?:upper\s+)?limit|cap|quota|capacity|size|maximum|bandwidth",
        r"上限|数量|容量|流量|带宽|大小|人数|台数",
        r"용량|개수|대수|인원|수량|한도|상한|최대치|사이즈|크기|대역폭",
    ),
    ValueType.PERCENT: (
        r"何(?:%|パーセント|割)|なんパーセント|なんわり|百分之几|百分比|多少%|몇\s*(?:%|퍼센트|프로)|"
        r"(?:SLA|稼働率|可用性|アップタイム).{0,40}(?:目標値|数値|水準|いくつ|ど(?:の|れ)(?:くらい|ぐらい|程度))|"
        r"\bwhat\s+percent(?:age)?\b|\bhow\s+many\s+percent\b|\bhow\s+much\s+uptime\b|"
        r"\b(?:sla|uptime|availability)\b.{0,30}\b(?:target|percent|percentage|figure|value)\b|"
        r"(?:可用性|可用率|SLA|运行率).{0,10}(?:多少|目标|几)|(?:가동률|가용성|가용률|SLA).{0,10}(?:얼마|몇|목표)|"
    )
    + _asked_by_nouns(  # not "SLA" itself: 「SLAって何」「什么是SLA」 ask what an SLA is
        r"稼働率|可用性|パーセンテージ|割合",
        r"uptime|availability|percentage",
        "",
        r"가동률|가용성|가용률|퍼센트",
    ),
    ValueType.PERSON: _asked_by_nouns(
        r"(?:担当者?|責任者|営業|代表者?|社長|管理者|窓口|スタッフ|社員|エンジニア)(?:の|さんの|様の)?"
        r"(?:名前|氏名|お名前)|(?:担当者|責任者)名|氏名|お名前|フルネーム",
        r"name\s+of\s+(?:the\s+|your\s+|our\s+)?(?:[\w-]+\s+)?(?:person|contact|manager|representative|rep|"
        r"engineer|staff|salesperson|ceo|president)|"
        r"(?:contact|person|manager|representative|rep|engineer|salesperson)(?:'s)?\s+name|full\s+name",
        r"(?:负责人|联系人|对接人|销售|工程师|经理)(?:的)?(?:名字|姓名)|(?:负责人|联系人|对接人).{0,3}叫什么",
        r"(?:담당자|책임자|대표|매니저|엔지니어)(?:의|분)?\s*(?:이름|성함)|성함",
    ),
    ValueType.VERSION: (
        r"ど(?:の|ちらの)(?:バージョン|版)|何(?:バージョン|版)|なんばーじょん|"
        rf"\b(?:which|what)\s+versions?{_EN_HEAD}|\b(?:which|what)\s+versions?\s+of\b|"
        r"什么版本|哪个版本|哪些版本|哪一版|版本号|어떤\s*버전|무슨\s*버전|몇\s*버전|"
    )
    + _asked_by_nouns(
        r"バージョン(?!アップ)|版数|リビジョン|ばーじょん", r"version(?:\s+number)?", r"版本", r"버전"
    ),
}
_ASKED = {t: re.compile(p, re.IGNORECASE) for t, p in _ASKED_SOURCES.items()}
_KATAKANA_TO_HIRAGANA = {
    c: c - 0x60 for c in range(ord("ァ"), ord("ヶ") + 1)
}  # 「イツカラ」 reads as 「いつから」

_PRESENT_SOURCES: dict[ValueType, str] = {
    ValueType.AMOUNT: (
        r"\d[\d,.]*\s*(?:万|千|億)?\s*(?:円|yen|jpy|ドル|dollars?|元|원)|[¥$€]\s*\d|無料|無償|免费|무료|"
        r"free\s+of\s+charge|no\s+(?:extra\s+)?charge|at\s+no\s+(?:extra\s+)?cost|"
        r"(?:料金|費用|利用料)(?:内)?に含まれ|included\s+in\s+the\s+(?:fee|price|charge)"
    ),
    ValueType.IP_ADDRESS: (
        r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?![\d.])|"
        r"\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}\b|\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*::"
    ),
    ValueType.URL: r"https?://\S+|\bwww\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|jp|io|info)\b",
    ValueType.EMAIL: r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    ValueType.POSTAL_ADDRESS: (
        r"〒\s*\d{3}-?\d{4}|東京都|北海道|京都府|大阪府|[一-龥]{2,3}県|[一-龥]{1,5}[市区町村][一-龥]{0,5}\d|"
        r"\d+丁目|番地|\b(?:tokyo|osaka|japan|prefecture)\b|东京|도쿄"
    ),
    ValueType.PHONE: (
        r"(?<!\d)(?:0\d{1,4}-\d{1,4}-\d{3,4}|0120-?\d{2,3}-?\d{3}|0\d{9,10}|"
        r"\+\d{1,3}[\s-]?\d{1,4}[\s-]?\d{2,4}[\s-]?\d{3,4}|\(\d{2,5}\)\s?\d{1,4}-\d{4})(?!\d)"
    ),
    ValueType.DATETIME: (
        r"\d+\s*(?:年|ヶ月|か月|カ月|ヵ月|ケ月|箇月|月|週間|週|日間|日|営業日|時間|時|分|秒)|"
        r"[一二三四五六七八九十数]+(?:年|ヶ月|か月|カ月|週間|日間|日|営業日|時間)|"
        r"\d{4}[/.-]\d{1,2}(?:[/.-]\d{1,2})?|\d{1,2}/\d{1,2}|\d{1,2}:\d{2}|"
        r"午前|午後|平日|土日|祝日|毎日|毎週|毎月|毎年|即日|当日|翌日|前日|翌月|当月|翌営業日|月末|月初|"
        r"年中無休|営業日|常時|随時|いつでも|"
        r"\d+\s*(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|business\s+days?)\b|"
        r"\b(?:24/7|same\s+day|next\s+(?:day|month|business\s+day)|weekdays?|any\s*time|immediately)\b|"
        r"\d+\s*(?:天|小时|周|个月|号|시간|일|주|개월|년|월|분)"
    ),
    ValueType.COUNT: (
        r"(?:\d+|[一二三四五六七八九十百千]+)\s*(?:台|件|個|つ|人|名|回|本|枚|種類|系統|経路|拠点|ユーザ|"
        r"アカウント|ライセンス|コア|ドライブ|か所|ヶ所|箇所|サーバ|テナント|倍|ギガ|メガ|个|次|位|개|대|명|건|번|회)|"
        r"\d+\s*(?:[KMGT]B|[kMG]bps|bps|units?|users?|accounts?|servers?|devices?|items?|times)(?![a-z])|"
        r"(?:上限|最大|最小|最低)\s*(?:は|で)?\s*\d|複数.{0,8}(?:できません|出来ません|不可)|無制限|"
        r"上限(?:は|が)?(?:ありません|ございません|なし|無し)|制限(?:は)?(?:ありません|ございません)|"
        r"unlimited|no\s+(?:upper\s+)?limit|不限|无限制|제한\s*없"
    ),
    ValueType.PERCENT: r"\d+(?:\.\d+)?\s*(?:%|パーセント|percent)|\d+割|百分之|퍼센트",
    ValueType.PERSON: (
        r"[一-龥]{1,4}\s?[一-龥]{1,4}(?:さん|氏(?!名))|(?:担当者?|責任者)名?\s*:\s*\S|\b(?:mr|ms|mrs|dr)\.?\s+[A-Z]"
    ),
    ValueType.VERSION: (
        r"\bv\d+(?:\.\d+)*\b|\d+\.\d+(?:\.\d+)*|最新(?:版|バージョン)|latest\s+version|"
        r"(?:windows|server|rhel|red\s*hat|ubuntu|centos|debian|oracle|sql\s*server|java|python|php|node|"
        r"postgresql|mysql|ios|android|zabbix|tls|ssl|http|office|バージョン|ver\.?|version)\s*-?\s*\d+"
    ),
}
_PRESENT = {t: re.compile(p, re.IGNORECASE) for t, p in _PRESENT_SOURCES.items()}


def asked_value_types(question: str) -> frozenset[ValueType]:
    """The kinds of value the question asks for; empty for how/why/yes-no questions."""
    q = unicodedata.normalize("NFKC", question)  # full-width ＩＰ/？/％/digits and half-width kana
    kana = q.translate(_KATAKANA_TO_HIRAGANA)
    asked = {t for t, pattern in _ASKED.items() if pattern.search(q) or pattern.search(kana)}
    if asked & {ValueType.AMOUNT, ValueType.PERCENT, ValueType.VERSION}:
        asked.discard(ValueType.COUNT)  # 「稼働率はいくつ」「バージョンはいくつ」: いくつ belongs to them
    if ValueType.AMOUNT not in asked and _VAGUE_DURATION.search(q) and not re.search(_MONEY_JA, q):
        asked.add(ValueType.DATETIME)
    return frozenset(asked)


def values_present(text: str) -> frozenset[ValueType]:
    """The kinds of value written in an answer text."""
    t = unicodedata.normalize("NFKC", text)
    return frozenset(vt for vt, pattern in _PRESENT.items() if pattern.search(t))


def missing_value(question: str, entry_text: str) -> ValueType | None:
    """The first kind of value the question asks for that the entry does not contain, else None."""
    asked = asked_value_types(question)
    missing = asked - values_present(entry_text) if asked else asked
    return next((t for t in ValueType if t in missing), None)
