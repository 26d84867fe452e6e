"""The scoring engine: one evaluation's answers -> its exact score.

Pure functions of plain data (no Flask, no database), so the grading form, the builder's live
preview, reports and tests all compute the very same numbers. Arithmetic is exact
(`fractions.Fraction`); rounding happens only at the edges: `display()` for people (half-up to
one decimal) and `to_decimal()` for storage (four decimals). docs/scoring.md explains the rules
with a worked example a client can recompute by hand.

Rules in short:
- a criterion earns a share ("credit", 0..1) of its weight: binary yes 1 / no 0; graded full 1 /
  partial `partial_fraction` / none 0; scale v of N earns v/N;
- N/A (where allowed) removes the criterion from earned and possible points; so does a missing
  answer, which also makes the evaluation incomplete;
- a critical criterion is missed when it earns less than its full weight: scope "section" makes
  its section earn 0 (its possible points stay), scope "call" makes the total 0 (auto-fail);
- total = 100 x sum(earned) / sum(possible); None when nothing applicable was answered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor, trunc
from typing import Literal, Union, get_args

Kind = Literal["binary", "graded", "scale"]
Scope = Literal["call", "section"]
Choice = Literal["yes", "no", "full", "partial", "none", "na"]
# A scale answer is an int 0..N; every other answer is one of the words above.
Answer = Union[Choice, int]
Number = Union[Fraction, int, Decimal]

KINDS: tuple[Kind, ...] = get_args(Kind)
SCOPES: tuple[Scope, ...] = get_args(Scope)
NA: Choice = "na"

# The words each kind accepts, worst first.
_WORDS: dict[str, tuple[Choice, ...]] = {
    "binary": ("no", "yes"),
    "graded": ("none", "partial", "full"),
}


def _is_whole(value: object) -> bool:
    """An int that is not a bool (True is 1 to Python, never an answer or a maximum to us)."""
    return isinstance(value, int) and not isinstance(value, bool)


def exact(value: Number, what: str = "value") -> Fraction:
    """`value` as an exact Fraction.

    Floats are refused: 0.1 has no exact binary form, and a score must be recomputable to the
    digit. Booleans are refused too (they are ints to Python, never numbers to us).
    """
    if isinstance(value, bool) or not isinstance(value, (int, Fraction, Decimal)):
        raise TypeError(f"{what} must be an int, Fraction or Decimal, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be a finite number")
    return Fraction(value)


@dataclass(frozen=True)
class Criterion:
    """One line of a scorecard version, as the engine needs it.

    Construction checks the definition and raises ValueError (bad value) or TypeError (bad type)
    with a readable message; `weight` and `partial_fraction` are stored as Fractions.
    """

    key: str  # stable id within a version (e.g. "c12" or the DB id as str)
    section: str  # section key
    kind: Kind
    weight: Number  # points, > 0
    allow_na: bool = False
    critical: Scope | None = None
    partial_fraction: Fraction = Fraction(1, 2)  # graded only: the share "partial" earns
    scale_max: int | None = None  # scale only: N (>= 1); answers 0..N

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a criterion needs a key")
        if self.kind not in KINDS:
            raise ValueError(f"unknown criterion kind {self.kind!r}; use {', '.join(KINDS)}")
        if self.critical is not None and self.critical not in SCOPES:
            raise ValueError(f"unknown critical scope {self.critical!r}; use call or section")
        weight = exact(self.weight, "weight")
        if weight <= 0:
            raise ValueError("weight must be greater than 0")
        object.__setattr__(self, "weight", weight)
        partial = exact(self.partial_fraction, "partial fraction")
        if self.kind == "graded" and not 0 < partial < 1:
            raise ValueError("partial fraction must be between 0 and 1 (exclusive)")
        object.__setattr__(self, "partial_fraction", partial)
        if self.kind == "scale" and not (_is_whole(self.scale_max) and self.scale_max >= 1):
            raise ValueError("a scale criterion needs a whole scale maximum of at least 1")


@dataclass(frozen=True)
class Band:
    """A named score range: from `min_score` (inclusive) up to the next band's minimum."""

    name: str
    min_score: Number  # inclusive lower bound, 0..100
    color: str  # CSS colour, e.g. "#c62828"


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("re-certify", 0, "#c62828"),
    Band("train", 45, "#b26a00"),
    Band("good", 76, "#2e7d32"),
)
DEFAULT_PASS_MARK = 76


@dataclass(frozen=True)
class CriterionResult:
    key: str
    earned: Fraction  # what the answer earned (before any section zeroing)
    possible: Fraction  # the weight, or 0 when N/A or unanswered
    applicable: bool  # False only for N/A
    missed_critical: bool


@dataclass(frozen=True)
class SectionResult:
    key: str
    earned: Fraction  # 0 when zeroed by a missed critical criterion of the section
    possible: Fraction
    score: Fraction | None  # 0..100; None when nothing in the section counts
    zeroed: bool


@dataclass(frozen=True)
class ScoreResult:
    total: Fraction | None  # 0..100 exact; None when no applicable criterion is answered
    criteria: dict[str, CriterionResult]
    sections: dict[str, SectionResult]  # in the order the sections first appear
    auto_failed: bool  # a critical criterion with scope "call" was missed
    passed: bool | None  # total >= pass mark and not auto-failed; None when total is None
    band: Band | None
    unanswered: tuple[str, ...]  # keys of applicable criteria with no answer
    complete: bool  # nothing unanswered and total is not None: can be submitted


class InvalidAnswer(ValueError):
    """An answer that its criterion does not accept."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def answer_choices(criterion: Criterion) -> tuple[Answer, ...]:
    """Every answer the criterion accepts, worst first, then "na" where allowed (for forms)."""
    if criterion.kind == "scale":
        assert criterion.scale_max is not None  # checked by Criterion
        choices: tuple[Answer, ...] = tuple(range(criterion.scale_max + 1))
    else:
        choices = _WORDS[criterion.kind]
    return choices + ((NA,) if criterion.allow_na else ())


def validate_answer(criterion: Criterion, answer: Answer | None) -> str | None:
    """Why `answer` is not acceptable for `criterion`, or None when it is.

    None means "not answered yet": not an error here; `score()` reports it in `unanswered`.
    """
    if answer is None:
        return None
    if isinstance(answer, str) and answer == NA:
        return None if criterion.allow_na else "N/A is not allowed for this criterion."
    if criterion.kind == "scale":
        assert criterion.scale_max is not None
        if _is_whole(answer) and 0 <= answer <= criterion.scale_max:
            return None
        or_na = " or N/A" if criterion.allow_na else ""
        return f"Choose a whole number from 0 to {criterion.scale_max}{or_na}."
    words = _WORDS[criterion.kind]
    if isinstance(answer, str) and answer in words:
        return None
    options = [f'"{w}"' for w in reversed(words)] + (["N/A"] if criterion.allow_na else [])
    return f"Choose {', '.join(options[:-1])} or {options[-1]}."


def parse_answer(criterion: Criterion, raw: str | None) -> Answer | None:
    """A form field's text as an answer ("" or None: unanswered); validate it afterwards."""
    text = (raw or "").strip().lower()
    if not text:
        return None
    if criterion.kind == "scale" and text.isascii() and text.isdigit():
        return int(text)
    return text  # type: ignore[return-value]  # validate_answer says what is wrong with it


def credit(criterion: Criterion, answer: Answer) -> Fraction:
    """The share (0..1) of the weight that a valid, non-N/A answer earns."""
    if criterion.kind == "scale":
        assert criterion.scale_max is not None
        return Fraction(int(answer), criterion.scale_max)
    if answer == "partial":
        return criterion.partial_fraction
    return Fraction(1) if answer in ("yes", "full") else Fraction(0)


def _score_criterion(criterion: Criterion, answer: Answer | None) -> CriterionResult:
    error = validate_answer(criterion, answer)
    if error is not None:
        raise InvalidAnswer(criterion.key, error)
    if answer is None or answer == NA:
        # Unanswered still applies (it will count once answered); N/A does not.
        nothing = Fraction(0)
        return CriterionResult(
            criterion.key, nothing, nothing, applicable=answer is None, missed_critical=False
        )
    share = credit(criterion, answer)
    weight = exact(criterion.weight)
    missed = criterion.critical is not None and share < 1
    return CriterionResult(criterion.key, weight * share, weight, True, missed)


def percent(earned: Fraction, possible: Fraction) -> Fraction | None:
    """100 x earned / possible, or None when there is nothing to score."""
    return None if possible == 0 else 100 * earned / possible


def _score_sections(
    criteria: Sequence[Criterion], results: Mapping[str, CriterionResult]
) -> dict[str, SectionResult]:
    members: dict[str, list[Criterion]] = {}
    for criterion in criteria:
        members.setdefault(criterion.section, []).append(criterion)
    sections = {}
    for key, items in members.items():
        zeroed = any(results[c.key].missed_critical and c.critical == "section" for c in items)
        earned = Fraction(0) if zeroed else sum((results[c.key].earned for c in items), Fraction(0))
        possible = sum((results[c.key].possible for c in items), Fraction(0))
        sections[key] = SectionResult(key, earned, possible, percent(earned, possible), zeroed)
    return sections


def score(
    criteria: Sequence[Criterion],
    answers: Mapping[str, Answer | None],
    bands: Sequence[Band] = DEFAULT_BANDS,
    pass_mark: Number = DEFAULT_PASS_MARK,
) -> ScoreResult:
    """Score one evaluation.

    `answers` maps criterion keys to answers; a missing key (or None) is unanswered, and keys of
    no criterion are ignored. Raises InvalidAnswer for an answer its criterion does not accept,
    and ValueError when two criteria share a key.
    """
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise ValueError("criterion keys must be unique within a scorecard version")
    results = {c.key: _score_criterion(c, answers.get(c.key)) for c in criteria}
    sections = _score_sections(criteria, results)
    auto_failed = any(results[c.key].missed_critical and c.critical == "call" for c in criteria)
    total = percent(
        sum((s.earned for s in sections.values()), Fraction(0)),
        sum((s.possible for s in sections.values()), Fraction(0)),
    )
    if total is not None and auto_failed:
        total = Fraction(0)
    unanswered = tuple(c.key for c in criteria if answers.get(c.key) is None)
    passed = None if total is None else not auto_failed and total >= exact(pass_mark, "pass mark")
    return ScoreResult(
        total=total,
        criteria=results,
        sections=sections,
        auto_failed=auto_failed,
        passed=passed,
        band=band_for(total, bands),
        unanswered=unanswered,
        complete=total is not None and not unanswered,
    )


def band_for(total: Number | None, bands: Sequence[Band]) -> Band | None:
    """The band whose range holds `total`: the one with the highest minimum not above it."""
    if total is None:
        return None
    value = exact(total, "score")
    reached = [b for b in bands if exact(b.min_score, "band minimum") <= value]
    return max(reached, key=lambda b: exact(b.min_score), default=None)


def validate_bands(bands: Sequence[Band], pass_mark: Number | None = None) -> list[str]:
    """What is wrong with a tenant's bands (and pass mark), for its settings form; [] if fine."""
    errors = []
    if not bands:
        return ["Define at least one band."]
    minimums = [exact(b.min_score, "band minimum") for b in bands]
    if minimums[0] != 0:
        errors.append("The first band must start at 0.")
    if any(low >= high for low, high in zip(minimums, minimums[1:])):
        errors.append("Band minimums must rise strictly from one band to the next.")
    if any(not 0 <= m <= 100 for m in minimums):
        errors.append("Band minimums must lie between 0 and 100.")
    names = [b.name.strip() for b in bands]
    if not all(names) or len(set(names)) != len(names):
        errors.append("Every band needs a name of its own.")
    if pass_mark is not None and not 0 <= exact(pass_mark, "pass mark") <= 100:
        errors.append("The pass mark must lie between 0 and 100.")
    return errors


def _scaled(value: Number, places: int, *, half_up: bool) -> int:
    """value x 10**places as an integer: rounded half away from zero, or truncated toward zero."""
    shifted = abs(exact(value)) * 10**places
    magnitude = floor(shifted + Fraction(1, 2)) if half_up else trunc(shifted)
    return -magnitude if value < 0 else magnitude


def display(value: Number | None) -> str:
    """A score for people: rounded half-up to one decimal ("84.35" -> "84.4"); "—" for None."""
    if value is None:
        return "—"
    tenths = _scaled(value, 1, half_up=True)
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), 10)
    return f"{sign}{whole}.{tenth}"


def to_decimal(value: Number | None, places: int = 4) -> Decimal | None:
    """A score for storage: `places` decimals, truncated toward zero; None stays None.

    Truncation rather than rounding keeps display() of the stored number equal to display() of
    the exact score: every half-way point of the one-decimal display (x.x5) has four decimals,
    so cutting digits never moves a score across one, while rounding up 84.24996 to 84.2500
    would show "84.3" where the exact score shows "84.2".
    """
    if value is None:
        return None
    return Decimal(_scaled(value, places, half_up=False)).scaleb(-places)
