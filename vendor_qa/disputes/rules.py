"""The rules of a dispute, as pure functions of plain data (no Flask, no database).

- A client manager may dispute a counted, submitted evaluation within the tenant's window
  (`dispute_window_days` days after submission).
- A criterion is disputed when its reason or proposed answer is filled in; a reason is
  required, a proposed answer is optional and must be one the criterion accepts, other than
  the answer given.
- The reviewer accepts (every item, each with the proposed answer unless they give another),
  partly accepts (the items they pick), or rejects, always with a written answer. An accepted
  item must change the answer to one the criterion accepts.

Errors map a form field name (or GENERAL) to a message the page shows beside that field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping, Sequence

from vendor_qa.scorecards import scoring

GENERAL = "form"
REASON_PREFIX, PROPOSED_PREFIX = "r-", "p-"  # raising: r-<criterion key>, p-<criterion key>
TAKE_PREFIX, APPLY_PREFIX = "take-", "apply-"  # reviewing: take-<item id>, apply-<item id>
VERDICTS = {"accept": "accepted", "partly": "partly_accepted", "reject": "rejected"}
MAX_REASON = 2_000
MAX_ANSWER = 4_000

NOTHING_PICKED = "Pick at least one criterion: say why you dispute it."
REASON_MISSING = "Say why you dispute this criterion."
SAME_ANSWER = "That is the answer given already; propose another one or leave this empty."
ANSWER_MISSING = "Write an answer to the client: it is shown with your decision."
VERDICT_MISSING = "Choose accept, partly accept or reject."
NONE_TAKEN = "Pick the criteria you accept, or reject the dispute."
APPLY_MISSING = "Give the answer to apply: none was proposed."
APPLY_UNCHANGED = "This is the current answer; choose the corrected one, or do not accept this criterion."


def window_closes_at(submitted_at: datetime, window_days: int) -> datetime:
    return submitted_at + timedelta(days=window_days)


def within_window(submitted_at: datetime, window_days: int, now: datetime) -> bool:
    return now <= window_closes_at(submitted_at, window_days)


def age_days(raised_at: datetime, now: datetime) -> int:
    """Whole days a dispute has been open (0 on its first day)."""
    return max(0, (now - raised_at).days)


def is_overdue(raised_at: datetime, alert_days: int, now: datetime) -> bool:
    """Open longer than the tenant's alert age."""
    return now - raised_at > timedelta(days=alert_days)


def _answer_problem(criterion: scoring.Criterion, text: str, current: str | None) -> str | None:
    """Why `text` cannot be the criterion's new answer, or None."""
    answer = scoring.parse_answer(criterion, text)
    problem = scoring.validate_answer(criterion, answer)
    if problem:
        return problem
    return SAME_ANSWER if str(answer) == current else None


@dataclass(frozen=True)
class Claim:
    criterion_key: str
    reason: str
    proposed: str | None  # normalised answer text, e.g. "yes" or "3"


def read_claims(criteria: Sequence[scoring.Criterion], current: Mapping[str, str],
                form: Mapping[str, str]) -> tuple[list[Claim], dict[str, str]]:
    """The disputed criteria of a raising form, in scorecard order, and what is wrong with it."""
    claims, errors = [], {}
    for criterion in criteria:
        key = criterion.key
        reason = (form.get(REASON_PREFIX + key) or "").strip()
        proposed = (form.get(PROPOSED_PREFIX + key) or "").strip()
        if not reason and not proposed:
            continue
        if not reason:
            errors[REASON_PREFIX + key] = REASON_MISSING
        elif len(reason) > MAX_REASON:
            errors[REASON_PREFIX + key] = f"Keep the reason under {MAX_REASON:,} characters."
        if proposed:
            problem = _answer_problem(criterion, proposed, current.get(key))
            if problem:
                errors[PROPOSED_PREFIX + key] = problem
        claims.append(Claim(key, reason, str(scoring.parse_answer(criterion, proposed)) if proposed else None))
    if not claims:
        errors[GENERAL] = NOTHING_PICKED
    return (claims if not errors else []), errors


@dataclass(frozen=True)
class Item:
    """A disputed criterion as the reviewer decides it."""

    id: int
    criterion: scoring.Criterion
    proposed: str | None


@dataclass(frozen=True)
class Ruling:
    status: str  # accepted | partly_accepted | rejected
    answer: str  # the written answer
    applied: dict[int, str]  # item id -> the answer applied (the accepted items only)


def read_ruling(items: Sequence[Item], current: Mapping[str, str],
                form: Mapping[str, str]) -> tuple[Ruling | None, dict[str, str]]:
    """The reviewer's decision from the review form, or what is wrong with it."""
    errors: dict[str, str] = {}
    answer = (form.get("answer") or "").strip()
    if not answer:
        errors["answer"] = ANSWER_MISSING
    elif len(answer) > MAX_ANSWER:
        errors["answer"] = f"Keep the answer under {MAX_ANSWER:,} characters."
    verdict = form.get("verdict") or ""
    if verdict not in VERDICTS:
        errors["verdict"] = VERDICT_MISSING
        return None, errors
    if verdict == "reject":
        taken: Sequence[Item] = []
    elif verdict == "accept":
        taken = items
    else:
        taken = [i for i in items if form.get(f"{TAKE_PREFIX}{i.id}")]
        if not taken:
            errors[GENERAL] = NONE_TAKEN
    applied = {}
    for item in taken:
        field = f"{APPLY_PREFIX}{item.id}"
        text = (form.get(field) or "").strip() or item.proposed
        if not text:
            errors[field] = APPLY_MISSING
            continue
        problem = _answer_problem(item.criterion, text, current.get(item.criterion.key))
        if problem:
            errors[field] = APPLY_UNCHANGED if problem == SAME_ANSWER else problem
            continue
        applied[item.id] = str(scoring.parse_answer(item.criterion, text))
    if errors:
        return None, errors
    return Ruling(VERDICTS[verdict], answer, applied), {}
