"""Where a customer can be reached: e-mail addresses and street addresses (pure).

E-mails are also spoken ("ivan dot petrov at mail dot ru", "собака", "krøllalfa",
"艾特"). Addresses are found by their shape in each language: a street word and a
house number (English "12 Oak Street", Norwegian "Storgata 5", Russian
"ул. Ленина, д. 5, кв. 12", Chinese "建国路88号"), with what usually follows.
"""

from __future__ import annotations

import re
from typing import Iterator

from vendor_qa.calls.pii.spans import Span

_EMAIL = re.compile(r"[^\s@，。：:;<>()\[\]]+@[\w-]+(?:\.[\w-]+)+")

_AT = r"(?:\(at\)|\[at\]|\bat\b|собака|\bэт\b|krøllalfa|alfakrøll|艾特|@)"
_DOT = r"(?:\(dot\)|\[dot\]|\bdot\b|точка|\bpunktum\b|\bpunkt\b|点|\.)"
# A spoken e-mail must end in a known top-level domain: "at" and "dot" are common words.
_TLD = r"(?:com|net|org|info|biz|ru|рф|su|no|cn|se|dk|fi|de|uk|io|co|us|eu|me|by|kz|ua)"
_SPOKEN_EMAIL = re.compile(
    rf"[A-Za-z0-9_+%-]+(?:\s*{_DOT}\s*[A-Za-z0-9_+%-]+)*\s*{_AT}\s*"
    rf"[A-Za-z0-9а-яё-]+(?:\s*{_DOT}\s*[A-Za-z0-9а-яё-]+)*?\s*{_DOT}\s*{_TLD}(?![A-Za-z])",
    re.IGNORECASE)


def emails(text: str) -> Iterator[Span]:
    for pattern in (_EMAIL, _SPOKEN_EMAIL):
        for match in pattern.finditer(text):
            yield Span(match.start(), match.end(), "email")


_HOUSE = r"\d{1,5}(?:\s?[A-Za-zА-Яа-я])?(?![\d])"
_CAP = r"[A-ZÆØÅÄÖ][\w'’.-]*"
_EN_STREET = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
              r"Terrace|Circle|Highway|Hwy|Parkway|Pkwy|Square|Sq")
_EN_UNIT = r"(?:,?\s*(?:Apt|Apartment|Suite|Unit|#)\.?\s*\w+)?"
_EN_TOWN = r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?(?:,?\s*[A-Z]{2})?(?:\s+\d{5})?)?"
_NB_STREET = r"(?:veien|vegen|vei|veg|gata|gaten|gate|stien|plassen|bakken|allé|alléen|torget|brygga|kroken|lia)"
_NB_TOWN = r"(?:,?\s*\d{4}\s+[A-ZÆØÅ][a-zæøå]+)?"
_RU_STREET = (r"(?:ул\.|улица|улице|улицы|пр-т|просп\.|проспект|проспекте|пер\.|переулок|переулке|ш\.|шоссе|"
              r"б-р|бульвар|бульваре|наб\.|набережная|набережной|пл\.|площадь|мкр\.?|микрорайон)")
_RU_NAME = r"(?:[А-ЯЁ][а-яё-]+|\d{1,2}-?(?:я|й|го)?\s[А-ЯЁ][а-яё-]+)(?:\s[А-ЯЁ][а-яё-]+)?"
_RU_PARTS = r"(?:,?\s*(?:д\.|дом|корп\.|корпус|к\.|стр\.|строение|кв\.|квартира|офис)?\s*\d+[а-я]?\b)*"
_ZH_PLACE = r"(?:(?![我您你他她住在是的到寄送址请发给把和就改])[\u4e00-\u9fff]){1,10}?"
_ZH_NUM = r"[0-9一二三四五六七八九十百零〇]+"
_ADDRESS = (
    re.compile(rf"\b{_HOUSE}\s+(?:{_CAP}\s+){{1,3}}(?:{_EN_STREET})\b\.?{_EN_UNIT}{_EN_TOWN}"),
    re.compile(rf"\b(?:{_CAP}\s)?[A-ZÆØÅ][a-zæøå]*{_NB_STREET}\s{_HOUSE}(?:\s?[A-Z]\b)?{_NB_TOWN}"),
    re.compile(rf"\b(?:{_CAP}\s)?[A-ZÆØÅ][a-zæøå]+s?\s(?:gate|vei|veg|allé|plass)\s{_HOUSE}{_NB_TOWN}"),
    re.compile(rf"[А-ЯЁ][а-яё-]+\s(?:проспект|улица|переулок|бульвар|шоссе|набережная|площадь){_RU_PARTS}"),
    re.compile(rf"(?:г\.\s?[А-ЯЁ][а-яё-]+,?\s*)?{_RU_STREET}\s?{_RU_NAME}{_RU_PARTS}"),
    re.compile(rf"(?:{_ZH_PLACE}(?:省|自治区|市|区|县|镇|乡))*{_ZH_PLACE}(?:路|街|大道|巷|弄|胡同)"
               rf"(?:{_ZH_NUM}段)?{_ZH_NUM}号(?:{_ZH_NUM}(?:栋|幢|号楼|单元|楼|层|室))*"),
)


def addresses(text: str) -> Iterator[Span]:
    for pattern in _ADDRESS:
        for match in pattern.finditer(text):
            yield Span(match.start(), match.end(), "address")


def find(text: str) -> Iterator[Span]:
    yield from emails(text)
    yield from addresses(text)
