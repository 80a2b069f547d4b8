"""Split an inquiry (chat message or e-mail) into the points it raises.

A point is a question, a request, a wish (「メモリを増やしたい」「〜したいと考えております」) or a
reported problem (「パスワードを忘れました」「〜で困っています」). Greetings, self-introductions,
pleasantries and signatures are dropped. A statement that only sets the scene ("VMを2台構築予定です")
is kept as context of the point after it; a sentence that adds no topic of its own ("その場合、停止は
必要ですか", "費用はかかりますか") continues the point before it. A message raising one thing yields
one segment. Only cues of sentence form are used, never the topics of the FAQ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.tokenize import tokenize

# Sentences dropped whole: greetings, self-introductions, list headers, signature lines.
_BOILERPLATE = re.compile(
    r"^(いつも|平素(より|は))?(大変)?お世話にな(って(おり|い)ます|ります)|^(大変)?お疲れ様|^はじめまして|"
    r"^初めて(ご連絡|メール|連絡)|^突然の|^(こんにちは|こんばんは)|^失礼(いた|致)します|"
    r"^以上(です|となります)?[。、]?$|^以上、|^(何卒|取り急ぎ)|^ご確認.*お願い|^ご回答.*お願い|"
    r"^(株式会社|有限会社|合同会社|[\w・ー]+株式会社)|^(tel|fax|mail|e-mail|email|電話|携帯)\s*[:：]|"
    # "〇〇システムの田中です。" introduces; "VMを2台構築予定です。" (with を/が/に…) states a fact.
    r"^((私|わたくし|当方)(は|、)?)?(?!.*たい)[^をがにはでへとも、。？?]{1,20}(です|でございます|と申します)。?$|と申します|"
    r"担当(して|いたして|させていただいて)(い|おり)ます。?$|"
    r"^(hello|hi|dear|regards|best regards|thanks|thank you)\b|(様|御中|各位)[。、]?$|"
    r"(以下|下記|次)の?[0-9０-９一二三四五六七八九十数]*(点|件)|^(以下|下記)の(とおり|通り|内容|質問|事項)|"
    r"[0-9０-９一二三四五六七八九十数]+(点|件)(ほど)?[^。]{0,6}"
    r"(質問|伺|相談|問い合わせ|教えて|教示|お聞き|お尋ね|確認させて|確認したい(こと|点))|"
    r"^(以下|下記|上記|次)(の(点|件|内容|事項))?(について|に関して|の件)|"
    r"(質問|伺い|お聞きし|お尋ねし|相談し|確認し)(たい)?(こと|点|件)が(ございます|あります)|"
    r"^(ご)?(質問|お問い合わせ|相談|お伺い)(です|があります|がございます|させて|いたします|します)",
    re.IGNORECASE,
)
# A header announcing the points to come ("下記2点ご教示ください", "以下についてお伺いします").
_LIST_HEADER = re.compile(r"(以下|下記|次)の?|[0-9０-９一二三四五六七八九十数]+(点|件)")
# Whole lines of a signature block: separators, contact details, postal codes, departments, names.
_SIGNATURE_LINE = re.compile(
    r"^\s*([-=_＿ー—―─━~〜*＊]{3,}|〒|(tel|fax|mail|e-mail|email|url|電話|電話番号|携帯|内線|住所)\b\s*[:：]?)|"
    r"[\w.+-]+@[\w-]+\.[\w.]+|https?://\S+\s*$|"
    r"^[^。、？?！!]{1,25}(部|課|室|グループ|チーム|センター|本部)\s*$|"
    r"^[\u4e00-\u9fff]{1,4}[ 　]+[\u4e00-\u9fff\u3040-\u30ff]{1,5}\s*$",
    re.IGNORECASE,
)
# Pleasantries opening a sentence that may go on to ask something: strip them, keep the rest.
_COURTESY_LEAD = re.compile(
    r"^((大変|誠に)?(お忙しい(ところ|中)|ご多忙(のところ|中))[^、。]*?[、,]|"
    r"(大変|誠に)?(恐れ入りますが|恐縮(です|ではございます)が|申し訳(ございません|ありません)が|"
    r"お手数(です|ではございます|をおかけします|をお掛けします|をおかけいたします)が)[、,]?)\s*"
)
# Formula pieces of a closing line ("ご回答いただけますと幸いです", "よろしくお願いいたします"):
# a sentence made of nothing else is a pleasantry, whatever order they come in.
_CLOSING_PIECES = re.compile(
    r"以上|何卒|どうぞ|(標記|標題|表題)の件(につきまして|について|で)?|どうか|引き続き|今後とも|重ねて|"
    r"取り急ぎ|早急に|至急|早速の|できるだけ早く|なるべく早く|お早めに|早めに|"
    r"ご?(確認|回答|教示|検討|対応|返信|返答|連絡)(の程|のほど|を)?|よろしく|宜しく|"
    r"お願い(いた|致|申し上げ)?(し)?(ます|ます|いたします|致します|申し上げます)?|"
    r"(いただけ|頂け|いただき|頂き)(ますと|れば|ますよう|ると)|くださいますよう|ください|下さい|"
    r"幸いです|助かります|存じます|お待ちして(おり|い)ます|ありがとうございま(す|した)|感謝(いた|致|申し上げ)[^。]*|"
    r"[、。，．,.！!\s]"
)
# Cues that a sentence raises a point: a question or request, a wish, or a reported problem.
_QUESTION_CUE = re.compile(
    r"[？?]|か[。．.]?$|ください|下さい|教えて|知りたい|ご教示|でしょうか|ますか|ですか|ませんか|のか|"
    r"(いただけ|頂け)(ます|ません)か|幸いです|可能|できる|どう|いつ|誰|どこ|何|いくら|"
    r"\b(how|what|when|where|who|which|can|could|is|are|do|does|will)\b",
    re.IGNORECASE,
)
# A list item or line naming what is asked about: "敷設するときの流れ", "IPSEC設計の内容".
_ASKING_NOUN_END = re.compile(
    r"(流れ|内容|方法|手順|可否|有無|期間|費用|範囲|仕様|条件|概要|違い|時期|要否|やり方|手続き|について|に関して|の件)[。．]?$"
)
_WISH_CUE = re.compile(
    r"(?<!ぜっ)たい(?!へん)|たく(存じ|思|考)|ほしい|欲しい|希望|検討して|"
    r"\b(want|would like|'d like|need to)\b",
    re.IGNORECASE,
)
# Trouble is told by its form (「〜できません」「〜なくなりました」「〜てしまいました」「困っています」)
# and by a few verbs of mishap that apply to anything (forgetting, breaking, losing).
_PROBLEM_CUE = re.compile(
    r"困っ|困り|ません(でした)?[。．!！]?$|ない(です|んです|のです|状態です)?[。．!！]?$|なくな|"
    r"[てで]しまい|[てで]しまっ|ちゃっ|じゃっ|エラー|不具合|忘れ|壊れ|故障|紛失|(な|無|失)くし|破損|"
    r"\b(forgot|cannot|can't|unable|broken|lost|error)\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(
    r"^\s*(?:[(（]?\d{1,2}[)）.．、:：](?!\d)|[①-⑳]|[・\-*●■◆□▪]|(?:q|質問|問)\s*\d{1,2}[.:：)）]?|"
    r"(?:\d{1,2}|[一二三四五六七八九十])\s*(?:点目|つ目)[はに:：、]?|(?:その|第)\s*\d{1,2}\s*(?:点)?[.:：)）、]?|[【\[]\s*(?:質問|q)?\s*\d{1,2}\s*[】\]])\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[。？?！!])\s*|(?<=[a-z0-9]\.)\s+(?=[A-Z])")
# A new point inside one unpunctuated run (voice input): a question or wish ending followed by a
# conjunction (「〜ですかあと〜」「〜したいのと〜」), or a question ending followed by more text.
_CONNECTOR = (
    r"あと|それから|それと(?!も)|また(?!は)|もう(?:一|ひと|1)つ|もう(?:一|1)点|次に|加えて|さらに|"
    r"なお(?![しすせ])|ほかに|他に|ついでに|併せて|あわせて|最後に|別件"
)
_RUN_BREAKS = (
    re.compile(
        r"(ですか|ますか|でしょうか|ませんか|ください|下さい|たいです|たい|ほしいです|ほしい|欲しい|"
        rf"ました|ません|ています|ております|です|ます)([、,\s]*)(?=(?:{_CONNECTOR}))"
    ),
    # A plain past ending ("忘れた") before a conjunction; not before "あと" ("構築したあと" is "after").
    re.compile(
        r"(た)([、,\s]*)(?=また(?![まは])|それと(?!も)|それから|もう(?:一|ひと|1)つ|加えて|さらに|ついでに)"
    ),
    re.compile(r"(たい)のと[、,\s]*|(た|ない)のと[、,]\s*"),
    # "…どう適用すればいいかと…更新方法が知りたい": two embedded questions ("…かと思う" is not).
    re.compile(r"(?<![ほな])(か)と[、,]?\s*(?!思|考|存|言|聞|心配|不安|気に|懸念)"),
    re.compile(
        r"(ですか|ますか|でしょうか|ませんか)[、,\s]*(?!それとも|どうか|[ねなもとよらっ]|[。？?！!]|$)"
    ),
    re.compile(r"(ください|下さい)[、,\s]*(?!ま|ね|よ|と|[。？?！!]|$)"),
    re.compile(r"([てでりし]|が|けど|ので)[、,]\s*(?=(?:また|加えて|さらに|併せて|あわせて)[、,])"),
)
_BREAK = "\x00"
_LEAD = re.compile(
    rf"^(?:{_CONNECTOR})(?:は|目は|ですが|で)?[、,\s]*(?:(?:ご)?質問(?:です|があります|ですが|なのですが)[、,]?\s*)?"
)
# A reference to what came before ("その場合", "こちらは", "get it reset") or an aside ("(例: …)",
# "※…"): continues that point.
_ANAPHORA = re.compile(
    r"^(その|それ(?!と|から|ぞれ)|この|これ|そちら|こちら|そう|上記|前述|同様|[(（※]|例[:：]|例えば|たとえば)|"
    r"\b(get|have|do|change|reset|fix|make|set|use)\s+(it|this|that|them)\b",
    re.IGNORECASE,
)
# "SIMの…", "メモリを…": opens on a noun marked by a particle, before any verb ("切断されたときに…").
_OWN_TOPIC = re.compile(
    r"^[\u4e00-\u9fff\u30a0-\u30ffA-Za-z0-9Ａ-Ｚａ-ｚ０-９ー・]+(について|から|って|[のはがをもにで])"
)
# "ディスクも増やしたい" after "CPUを増やしたい": a new thing in the same frame is a new point.
_ALSO = re.compile(r"[^\sをがはにでと、。]も[、,]?[^のっ]")
# Words of asking rather than of topic (Sudachi normalised forms): a sentence with nothing but
# these and the previous sentence's words asks about the same thing again.
_ASKING_WORDS = frozenset(
    {
        *("作業", "発生", "料金", "費用", "掛かる", "幾ら", "方法", "手順", "流れ", "手続き"),
        *("教える", "知る", "分かる", "欲しい", "頂く", "貰う", "願う", "教示", "確認", "期間"),
        *("時間", "必要", "可能", "出来る", "対応", "具体", "詳細", "詳しい", "内容", "注意"),
        *("点", "別", "利用", "条件", "場合", "際", "後", "前", "問題", "良い", "無い"),
    }
)
_MIN_CHARS = 4
# A question this short ("別料金ですか？") continues the one before it rather than asking anew.
_FOLLOW_ON_CHARS = 8


@dataclass(frozen=True)
class _Unit:
    text: str  # as written, less a leading pleasantry ("お忙しいところ恐縮ですが、")
    core: str  # what is judged: also without a leading conjunction
    asks: bool  # raises a point of its own (question, request, wish, problem)
    states: bool  # a wish or problem told as a statement, not asked
    item: int | None  # the numbered item it belongs to
    item_start: bool  # first sentence of a numbered item


def split_questions(text: str) -> list[str]:
    """The point segments of `text`; the whole text when nothing splits off."""
    units, announced = _units(text)
    points = _group(units, announced)
    if points:
        return points
    # Nothing asks: keep what is left of the message once greetings and signatures are gone.
    content = _join([u.text for u in units]) if units else ""
    stripped = text.strip()
    return [content or stripped] if stripped else []


def _units(text: str) -> tuple[list[_Unit], bool]:
    """The sentences worth judging, and whether a header announced a list of points."""
    units: list[_Unit] = []
    announced = False
    item: int | None = None
    n_items = 0
    for raw_line in text.splitlines():
        if not raw_line.strip():
            item = None  # a blank line ends a list item
            continue
        if _SIGNATURE_LINE.search(raw_line):
            continue
        numbered = _NUMBERED.match(raw_line) is not None
        if numbered:
            n_items += 1
            item = n_items
        line = _NUMBERED.sub("", raw_line, count=1).strip()
        first = numbered
        for sentence in _sentences(line):
            text = _strip(sentence, _COURTESY_LEAD)
            core = _strip(text, _LEAD, _COURTESY_LEAD)  # also without "また、" or "それと"
            if len(core) < _MIN_CHARS:
                continue
            if _is_boilerplate(core):
                announced = announced or _LIST_HEADER.search(core) is not None
                item = None  # a closing line ends the list: what follows is not part of an item
                continue
            question = bool(_QUESTION_CUE.search(core) or _ASKING_NOUN_END.search(core))
            states = not question and bool(_WISH_CUE.search(core) or _PROBLEM_CUE.search(core))
            units.append(_Unit(text, core, question or states, states, item, first))
            first = False
    return units, announced


def _sentences(line: str) -> list[str]:
    out: list[str] = []
    for sentence in _SENTENCE_END.split(line):
        for pattern in _RUN_BREAKS:
            sentence = pattern.sub(lambda m: "".join(g for g in m.groups() if g) + _BREAK, sentence)
        out.extend(part.strip() for part in sentence.split(_BREAK))
    return [s for s in out if s]


def _strip(sentence: str, *leads: re.Pattern[str]) -> str:
    """`sentence` without any run of the given openings, in whatever order they come."""
    s = sentence
    while True:
        stripped = s
        for lead in leads:
            stripped = lead.sub("", stripped, count=1).strip()
        if stripped == s:
            return s
        s = stripped


def _is_boilerplate(sentence: str) -> bool:
    if _BOILERPLATE.search(sentence):
        return True
    residue = _CLOSING_PIECES.sub("", sentence)
    return len(residue.strip("のをがはにもと")) <= 2


def _group(units: list[_Unit], announced: bool) -> list[str]:
    # Numbered items without a cue ("(2) 水道料金の口座振替") are points when the list asks at
    # all or a header announced them; a bullet list that never asks describes the setting
    # ("現在の構成は以下のとおりです。・Webサーバ 2台").
    list_asks = announced or any(u.asks for u in units if u.item_start)
    points: list[list[str]] = []
    pending: list[str] = []  # statements waiting for the point they set the scene for
    last: _Unit | None = None
    for u in units:
        same_item = last is not None and u.item is not None and u.item == last.item
        after_statement = last is not None and last.states and not pending
        last = u
        if u.item_start and (u.asks or list_asks):
            points.append([*pending, u.text])
            pending = []
        elif u.asks and not u.item_start:
            if points and _follows_on(u.core, "".join(points[-1] + pending), after_statement):
                points[-1].extend([*pending, u.text])
            else:
                points.append([*pending, u.text])
            pending = []
        elif points and (same_item or (not pending and _ANAPHORA.match(u.core))):
            points[-1].append(u.text)
        else:
            pending.append(u.text)
    return [_join(p) for p in points]  # statements after the last point are sign-offs


def _join(sentences: list[str]) -> str:
    out = sentences[0]
    for s in sentences[1:]:
        # English sentences keep their space; Japanese ones run on as written.
        out += " " + s if out[-1:].isascii() and s[:1].isascii() else s
    return out


def _follows_on(sentence: str, before: str, after_statement: bool) -> bool:
    """True when `sentence` asks about the point before it rather than raising a new one.

    After a wish or a problem told as a statement ("回線が切れて困っています。"), a question naming
    one new thing, or two without opening on a topic of its own ("切断されたときに通知は来ますか"),
    asks about that trouble; one opening on its own topic ("SIMの再発行は…") asks anew. After a
    question, a sentence must add nothing new to continue it.
    """
    if _ANAPHORA.search(sentence):
        return True
    known = set(tokenize(before))
    new = {t for t in tokenize(sentence) if t not in _ASKING_WORDS and t not in known and len(t) > 1}
    if new and _ALSO.search(sentence):
        return False
    if len(sentence) <= _FOLLOW_ON_CHARS:
        return True
    if not after_statement:
        return not new
    return len(new) <= 1 or (len(new) <= 2 and not _OWN_TOPIC.match(sentence))
