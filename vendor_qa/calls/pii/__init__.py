"""Masking of personal data in what graders see of a call (pure).

Graders judge what was said, not who said it. Every field a grader sees (transcript,
topic, metadata values) goes through `mask_pii`, which replaces each piece of personal
data with a tag that says what was there: `[phone]`, `[email]`, `[card]` (numbers,
last four, expiry, CVV), `[iban]`, `[number]` (any other long number, in digits,
words or Chinese numerals), `[address]` and `[name]` (names announced by a cue, and
the agent's own names where the tenant hides them).

Phone numbers are found by `phonenumbers` (libphonenumber), IBANs and card numbers are
checked by `python-stdnum`; the rest are rules in `numbers`, `places` and `names`.
Presidio's pattern recognizers were weighed and left out: presidio-analyzer requires
spaCy (some 45 packages, ~375 MB) even when no model is used, and its e-mail check
fetches the public-suffix list over the network at run time.
"""

from __future__ import annotations

from typing import Iterable

from vendor_qa.calls.pii import names, numbers, places
from vendor_qa.calls.pii.spans import Span, merge, replace

__all__ = ["Span", "find_pii", "mask_pii"]


def find_pii(text: str, agent_names: Iterable[str] = ()) -> list[Span]:
    """The merged spans of personal data in `text`, in order."""
    agent_names = tuple(agent_names)
    return merge([*places.find(text), *numbers.find(text), *names.find(text, agent_names)])


def mask_pii(text: str | None, agent_names: Iterable[str] = ()) -> str:
    """`text` with its personal data replaced by `[kind]` tags; `agent_names` are masked too.

    Pass the agent's display name (and first name) when the tenant hides agent names.
    """
    if not text:
        return ""
    return replace(text, find_pii(text, agent_names))
