"""Evidence behind a score: the lines of the transcript, or moments of the recording, a grader quotes (pure).

The form keeps a criterion's quotes in one field, `q-<criterion key>`, as tokens separated by
spaces: `line:4` (the fifth line of the transcript the grader sees) or `time:83` (83 seconds
into the call). The server never trusts quoted text from the browser: it takes the line from
the call's own transcript, masked as the grader saw it, and stores that text with the index,
so the client and the agent read exactly what the grader pointed at and no personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from vendor_qa.calls.pii import mask_pii

FIELD_PREFIX = "q-"  # form field of a criterion's quotes: q-<criterion key>
MAX_QUOTES = 10  # per criterion: evidence, not a copy of the transcript
_TOKEN = re.compile(r"(line|time):(\d{1,9})")

NOT_A_QUOTE = "This quote is not a line of this call's transcript or a time within the call; quote it again."
TOO_MANY = f"Quote at most {MAX_QUOTES} lines or times per criterion."


def quote_field(key: str) -> str:
    return FIELD_PREFIX + key


@dataclass(frozen=True)
class Transcript:
    """The call as the grader sees it: its masked lines, and its length in seconds."""

    lines: tuple[str, ...]
    duration_seconds: int

    @classmethod
    def of(cls, transcript: str | None, duration_seconds: int, hidden_names: Iterable[str] = ()) -> "Transcript":
        return cls(masked_lines(transcript, tuple(hidden_names)), duration_seconds)


@lru_cache(maxsize=256)
def masked_lines(transcript: str | None, hidden_names: tuple[str, ...]) -> tuple[str, ...]:
    """Masked as a whole, then split, so that a line's index is the line the grader saw.

    Cached: masking a long transcript takes a good part of a second, and the form checks the
    quotes again on every draft it saves; the result depends on the arguments alone.
    """
    return tuple(mask_pii(transcript, hidden_names).splitlines())


@dataclass(frozen=True)
class Quote:
    """One line of the transcript (`line` with its masked `text`), or one moment (`at`, in seconds)."""

    line: int | None = None
    text: str = ""
    at: int | None = None

    @property
    def token(self) -> str:
        return f"line:{self.line}" if self.line is not None else f"time:{self.at}"

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text} if self.line is not None else {"at": self.at}

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> "Quote":
        return cls(line=stored.get("line"), text=stored.get("text", ""), at=stored.get("at"))


def tokens_of(quotes: Sequence[dict[str, Any]]) -> str:
    """Stored quotes as the form field's text."""
    return " ".join(Quote.from_json(q).token for q in quotes)


def resolve(field: str, call: Transcript) -> tuple[tuple[Quote, ...], str | None]:
    """The quotes a form field names, in the order given and without repeats, or an error.

    A token that is not a line of this transcript or a second within the call is an error:
    a stale or forged quote is refused rather than silently dropped.
    """
    tokens = list(dict.fromkeys(field.split()))
    if len(tokens) > MAX_QUOTES:
        return (), TOO_MANY
    quotes = []
    for token in tokens:
        quote = _quote(token, call)
        if quote is None:
            return (), NOT_A_QUOTE
        quotes.append(quote)
    return tuple(quotes), None


def _quote(token: str, call: Transcript) -> Quote | None:
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    kind, number = match.group(1), int(match.group(2))
    if kind == "line":
        return Quote(line=number, text=call.lines[number]) if number < len(call.lines) else None
    return Quote(at=number) if number <= call.duration_seconds else None

