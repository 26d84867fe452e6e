"""A found piece of PII: where it is and what kind it is, and how found pieces combine."""

from __future__ import annotations

from typing import Iterable, NamedTuple

# When two findings overlap they become one masked span named after the stronger kind:
# a card number beats the phone number phonenumbers also sees in it, an address beats
# the house number inside it.
_STRENGTH = ("card", "iban", "email", "phone", "address", "name", "number")


class Span(NamedTuple):
    start: int
    end: int
    kind: str


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans joined into one, in text order."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, span.kind, key=_STRENGTH.index)
            merged[-1] = Span(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    return merged


def replace(text: str, spans: list[Span]) -> str:
    """The text with each (merged) span replaced by its `[kind]` placeholder."""
    out, at = [], 0
    for span in spans:
        out += [text[at:span.start], f"[{span.kind}]"]
        at = span.end
    return "".join(out + [text[at:]])
