"""Numbers a customer says: phones, cards, accounts, IBANs, expiry dates, CVVs (pure).

Speech-to-text and people write digits as digits, as words ("nine one seven",
"девять один семь", "ni en sju") or as Chinese numerals ("一三八"), often mixed and
with any separators. A run of such tokens is read as one number; six digits or more
is masked whatever it is. Shorter runs (times, prices, "order 3 items") are kept,
except after a cue that makes them secret: a CVV, a card's last four, an expiry.
"""

from __future__ import annotations

import re
from typing import Iterator

import phonenumbers
from stdnum import iban, luhn

from vendor_qa.calls.pii.spans import Span

MIN_DIGITS = 6  # shorter runs are times, amounts, order lines: worth keeping

# Words for 0-9 (one digit each) and for larger numbers (two digits or more), in the
# four languages of the clients. Norwegian "en"/"to"/"ni" are ordinary words too, which
# is why a run needs several number tokens before it counts.
_DIGIT_WORDS = {
    # English
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
    # Norwegian Bokmål
    "null": 0, "en": 1, "én": 1, "ett": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7,
    "syv": 7, "åtte": 8, "ni": 9,
    # Russian
    "ноль": 0, "нуль": 0, "один": 1, "одна": 1, "одно": 1, "два": 2, "две": 2, "три": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9,
}
_TENS_WORDS = (
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty "
    "fifty sixty seventy eighty ninety hundred thousand "
    "ti elleve tolv tretten fjorten femten seksten sytten atten nitten tjue tyve tretti tredve førti femti "
    "seksti sytti åtti nitti hundre tusen "
    "десять одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать "
    "восемнадцать девятнадцать двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят "
    "девяносто сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот тысяча тысячи"
).split()
# Norwegian writes 92 as one word, "nittito"; each such compound stands for two digits.
_TENS_WORDS += [tens + unit for tens in "tjue tretti førti femti seksti sytti åtti nitti".split()
                for unit in "en to tre fire fem seks sju syv åtte ni".split()]
_REPEAT_WORDS = ("double", "triple", "dobbel", "trippel")  # "double five" is 55
_ZH_VALUES = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_DIGITS = "".join(_ZH_VALUES)  # 幺 is how 1 is read out in Chinese phone numbers

_WORD = "|".join(sorted([*_DIGIT_WORDS, *_TENS_WORDS, *_REPEAT_WORDS], key=len, reverse=True))
_TOKEN = rf"(?:\d+|[{_ZH_DIGITS}]+|(?<!\w)(?:{_WORD})(?!\w))"
_SEP = r"[\s.,/()\-–]{0,3}"
# A run starts at a digit or number word, optionally after "+" or "plus".
_RUN = re.compile(rf"(?:(?<!\w)(?:plus|pluss|плюс)\s+|\+)?\(?{_TOKEN}(?:{_SEP}{_TOKEN})*\)?", re.IGNORECASE)
_TOKENS = re.compile(_TOKEN, re.IGNORECASE)


def _digits_of(run: str) -> str:
    """The digits a run stands for, as well as words allow (used to count and to validate)."""
    out = []
    for token in _TOKENS.findall(run):
        low = token.lower()
        if token.isdigit() and token.isascii():
            out.append(token)
        elif token[0] in _ZH_DIGITS:
            out.append("".join(str(_ZH_VALUES[c]) for c in token))
        elif low in _DIGIT_WORDS:
            out.append(str(_DIGIT_WORDS[low]))
        elif low in _TENS_WORDS:
            out.append("00")  # a "twenty" stands for two digits; its value does not matter here
    return "".join(out)


def _run_kind(digits: str, raw: str) -> str:
    if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
        return "card"
    if raw.lstrip("(").lower().startswith(("+", "plus", "pluss", "плюс")):
        return "phone"
    return "number"  # an account, a local phone number, an id: masked all the same


def digit_runs(text: str) -> Iterator[Span]:
    for match in _RUN.finditer(text):
        digits = _digits_of(match.group(0))
        if len(digits) >= MIN_DIGITS:
            yield Span(match.start(), match.end(), _run_kind(digits, match.group(0)))


# The regions of the clients' customers, and the US for English speakers.
_PHONE_REGIONS = ("NO", "RU", "CN", "US", "GB")


def phones(text: str) -> Iterator[Span]:
    """Phone numbers as libphonenumber finds them (also with separators a digit run misses)."""
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            if "." in match.raw_string:
                continue  # dotted groups are how Norwegian account numbers are written, not phones
            yield Span(match.start, match.end, "phone")


# IBANs are written in capitals, in groups of four or run together; the checksum decides.
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?(?![A-Za-z0-9])")


def ibans(text: str) -> Iterator[Span]:
    for match in _IBAN.finditer(text):
        if iban.is_valid(match.group(0).upper()):
            yield Span(match.start(), match.end(), "iban")


_SHORT = rf"(?:\d{{3,4}}|[{_ZH_DIGITS}]{{3,4}}|(?:(?:{_WORD})[\s,-]*){{3,4}})"
_FILL = r"[\s:：,.\-=]*(?:(?:is|er|это|是|为|-)\s*)?"
_CVV_CUE = (r"CVV2?|CVC2?|CSC|CID|security code|card code|code on the back|three[- ]digit code|"
            r"sikkerhetskoden?|kontrollsifr(?:e|ene)|koden på baksiden|"
            r"CVV-?код|код CVV|код безопасности|код на обороте|тр[её]хзначный код|"
            r"安全码|验证码|校验码|背面(?:的)?三位(?:数字|数|码)?")
_LAST4_CUE = (r"ending(?: in| with)?|ends? (?:in|with)|last (?:four|4)(?: digits)?(?: are| is)?|"
              r"slutter på|som ender på|siste (?:fire|4)(?: sifre(?:ne)?)?(?: er)?|"
              r"заканчивается на|оканчивается на|последние (?:четыре|4)(?: цифры)?|на конце|"
              r"尾号|后四位|末四位")
_EXPIRY_CUE = (r"exp(?:iry|ires|iration)?(?: date)?|valid (?:thru|through|until|till)|good thru|expiring|"
               r"utløper|utløpsdato(?:en)?|gyldig til|"
               r"срок(?: действия)?(?: карты)?|действует до|действительна до|годна до|"
               r"有效期(?:至|到)?|到期(?:日|时间)?")
_EXPIRY = (r"(?:(?:0?[1-9]|1[0-2])\s?[/.\-]\s?(?:20)?\d{2}|(?:0[1-9]|1[0-2])\d{2}|"
           r"(?:20)?\d{2}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*/?\s*(?:20)?\d{2}\s*年?)")
_CUED = (
    re.compile(rf"(?:{_CVV_CUE}){_FILL}(?P<secret>{_SHORT})", re.IGNORECASE),
    re.compile(rf"(?:{_LAST4_CUE}){_FILL}(?P<secret>{_SHORT})", re.IGNORECASE),
    re.compile(rf"(?:{_EXPIRY_CUE}){_FILL}(?P<secret>{_EXPIRY})", re.IGNORECASE),
    # A bare MM/YY is how an expiry is read out; a date would have a day in it.
    re.compile(r"(?<![\d/.])(?P<secret>(?:0[1-9]|1[0-2])/\d{2})(?![\d/])"),
)


def card_details(text: str) -> Iterator[Span]:
    """CVVs, a card's last four digits and its expiry: short, but enough with the rest."""
    for pattern in _CUED:
        for match in pattern.finditer(text):
            yield Span(match.start("secret"), match.end("secret"), "card")


# Policy, order, tracking and customer ids: letters and digits in one word ("PA20240012345").
_ALNUM_ID = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9])")


def ids(text: str) -> Iterator[Span]:
    for match in _ALNUM_ID.finditer(text):
        if sum(c.isdigit() for c in match.group(0)) >= MIN_DIGITS:
            yield Span(match.start(), match.end(), "number")


def find(text: str) -> Iterator[Span]:
    yield from digit_runs(text)
    yield from ids(text)
    yield from phones(text)
    yield from ibans(text)
    yield from card_details(text)
