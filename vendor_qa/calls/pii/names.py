"""People's names: the customer's after a cue, and the agent's where the tenant hides them (pure).

Without a language model, names are found where speech announces them: after "my name
is", "меня зовут", "jeg heter", "我叫" and their kin, or after a title ("Mr", "господин",
"fru", "王先生"). An agent's own name is known, so it is masked wherever it stands, in
the forms Russian grammar gives it (Иван, Ивана, Иваном).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from vendor_qa.calls.pii.spans import Span

_LATIN_CAP = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+"
_CYR_CAP = r"[А-ЯЁ][а-яё-]+"
_CAP_WORD = rf"(?:{_LATIN_CAP}|{_CYR_CAP})"
_ANY_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿА-Яа-яЁё'’-]+"
# After these a name follows, even when speech-to-text wrote it in lower case.
_STRONG_CUES = (r"my name is|my name's|name is|name's|the name is|"
                r"jeg heter|navnet mitt er|mitt navn er|navnet er|på navnet|"
                r"меня зовут|моя фамилия|мою фамилию|фамилия|зовут|на имя|имя и фамилия|имя|отчество")
# After these a name follows only if it is capitalised ("this is Anna", not "this is fine").
_WEAK_CUES = (r"this is|it's|it is|I'm|I am|call me|speaking with|talking to|ask for|"
               r"(?:husband|wife|son|daughter|partner) is|"
              r"dette er|det er|du snakker med|snakker med|spør etter|"
              r"это|с вами|говорит|оператор|спросите|"
              r"Mr|Mrs|Ms|Miss|Dr|Herr|fru|frøken|господина?|госпожа|госпожи|г-н|г-жа")
_NOT_NAMES = frozenset(
    "Mr Mrs Ms Dr I The A An Sorry Fine Okay Ok Calling Here Just Not Yes No Thanks Thank Hello Hi "
    "Jeg Det Hei Takk Ja Nei Ikke Så "
    "Я Да Нет Спасибо Здравствуйте Добрый Алло Вот Так".split())
_STRONG = re.compile(rf"(?i:{_STRONG_CUES})[\s:,—-]+(?P<name>{_ANY_WORD}(?:\s{_CAP_WORD}){{0,2}})")
_WEAK = re.compile(rf"(?<!\w)(?i:{_WEAK_CUES})\.?[\s,—-]+(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?(?P<name>{_CAP_WORD}(?:\s{_CAP_WORD}){{0,2}})")

# The hundred commonest Chinese surnames cover most people; a name is the surname and one
# or two given-name characters, stopping at a character that a name seldom has.
_ANNOUNCED = re.compile(rf"(?<!\w)(?P<name>{_CAP_WORD}(?:\s{_CAP_WORD})?)(?=,? (?:here|speaking|her|на связи|слушает)\b)")

_ZH_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
                "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
                "武戴莫孔向汤常欧")
_ZH_STOP = "，。、！？：；的了是在我您你吗呢啊吧要想来去给和跟说打为请就也都有个号先女经老"
_ZH_GIVEN = rf"(?:(?![{_ZH_STOP}])[\u4e00-\u9fff]){{1,2}}"
_ZH_NAME = re.compile(
    rf"(?:我叫|叫|我是|我姓|名字是|名字叫|姓名是|姓名|客服|联系人是?|收件人是?)\s*(?P<name>[{_ZH_SURNAMES}](?:{_ZH_GIVEN})?)"
    rf"|(?P<titled>[{_ZH_SURNAMES}](?:{_ZH_GIVEN})?)(?=先生|女士|小姐|经理|老师)")


def cued_names(text: str) -> Iterator[Span]:
    for pattern in (_STRONG, _WEAK, _ANNOUNCED):
        for match in pattern.finditer(text):
            words = match.group("name").split()
            while words and words[0].capitalize() in _NOT_NAMES:
                words.pop(0)
            if words:
                start = match.start("name") + match.group("name").index(words[0])
                yield Span(start, start + len(" ".join(words)), "name")
    for match in _ZH_NAME.finditer(text):
        group = "name" if match.group("name") else "titled"
        yield Span(match.start(group), match.end(group), "name")


# Russian declension: a name's stem (without a final vowel, й or ь) takes these endings.
_RU_ENDINGS = r"(?:а|я|у|ю|ом|ем|ём|ой|ей|е|и|ы|й|ь|ую|ого|ому|ым|им|ых)?"
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _name_pattern(word: str) -> str:
    if _CYRILLIC.search(word):
        stem = re.sub(r"[аяйьоеы]$", "", word, flags=re.IGNORECASE)
        return re.escape(stem) + _RU_ENDINGS
    if re.fullmatch(r"[\u4e00-\u9fff]+", word):
        return re.escape(word)  # Chinese has no word boundaries to look for
    return re.escape(word) + r"(?:'?s)?"  # "Kari's", Norwegian genitive "Karis"


def _words_of(names: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for name in names:
        for word in (name or "").split():
            if re.fullmatch(r"[\u4e00-\u9fff]{3,4}", word):
                words.add(word[1:])  # a Chinese full name is surname first: its given name alone
            if len(word) >= 2:
                words.add(word)
    return words


def agent_names(text: str, names: Iterable[str]) -> Iterator[Span]:
    """Every mention of the given names (display name, first name), whole words, any case."""
    words = sorted(_words_of(names), key=len, reverse=True)
    if not words:
        return
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(_name_pattern(w) for w in words)})(?!\w)", re.IGNORECASE)
    han = re.compile("|".join(re.escape(w) for w in words if re.fullmatch(r"[\u4e00-\u9fff]+", w)) or r"(?!)")
    for found in (pattern, han):
        for match in found.finditer(text):
            yield Span(match.start(), match.end(), "name")


def find(text: str, names: Iterable[str] = ()) -> Iterator[Span]:
    yield from cued_names(text)
    yield from agent_names(text, names)
