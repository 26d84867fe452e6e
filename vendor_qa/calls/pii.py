"""Masking of customer PII in transcripts, for graders (pure).

Graders see what was said, not who said it: e-mail addresses, phone numbers,
card and account numbers, and any other long run of digits are replaced by a
tag that says what was there. Digits inside a run may be separated by spaces,
dots, dashes or slashes, as people and speech-to-text write them.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[^\s@]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with optional single separators and an optional leading + or (.
_DIGIT_RUN = re.compile(r"\+?\(?\d(?:[\s./()-]?\d)+\)?")
_MIN_DIGITS = 6  # shorter runs are times, amounts, order lines: worth keeping


def _kind(digits: str, raw: str) -> str:
    if 13 <= len(digits) <= 19 and _luhn_ok(digits):
        return "[card]"
    if raw.startswith(("+", "(")):
        return "[phone]"
    return "[number]"  # an account, a local phone number, an id: masked all the same


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask_digits(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    if len(digits) < _MIN_DIGITS:
        return raw
    return _kind(digits, raw)


def mask_pii(text: str | None) -> str:
    """The transcript with customer PII replaced by [email], [phone], [card] or [number]."""
    if not text:
        return ""
    text = _EMAIL.sub("[email]", text)
    return _DIGIT_RUN.sub(_mask_digits, text)
