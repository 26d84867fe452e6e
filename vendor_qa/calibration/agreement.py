"""How far graders agree on one call: pure functions of the answers they submitted.

A calibration session has several graders score the same call on the same scorecard
version. From their answer sheets this module computes:

- per criterion, the *agreement*: the share of graders who gave the modal (most given)
  answer; N/A is an answer like any other here (disagreeing on whether a criterion applies
  is disagreement);
- per criterion, the *deviation from the expert* (when one is named and submitted): how
  many of the other graders answered differently, and their mean gap in credit (the 0..1
  share of the weight an answer earns, vendor_qa.scorecards.scoring.credit) where both
  answers count;
- the *spread* of the graders' totals: lowest, highest, range, mean and standard deviation;
- *Krippendorff's alpha* (ordinal) over the criteria: criteria are the units, graders the
  coders, and each answer's value is its credit, so "no" < "yes", "none" < "partial" <
  "full" and 0 < 1 < ... < N on a scale, and criteria of different kinds share one order
  of "how much was earned". N/A and missing answers are missing values. Computed with the
  `krippendorff` package; None when it is undefined (fewer than two graders, or every
  answer the same value, where there is no variation to agree on).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Generic, Hashable, Mapping, Sequence, TypeVar

import krippendorff
import numpy as np

from vendor_qa.scorecards.scoring import NA, Answer, Criterion, credit

G = TypeVar("G", bound=Hashable)  # whatever names a grader: an id in the app, a letter in tests


@dataclass(frozen=True)
class Sheet(Generic[G]):
    """One grader's submitted answers (by criterion key) and total."""

    grader: G
    answers: Mapping[str, Answer]
    total: Decimal | None


@dataclass(frozen=True)
class ExpertDeviation:
    expert_answer: Answer | None  # None: the expert left it unanswered
    differing: int  # other graders whose answer is not the expert's
    others: int  # other graders who answered
    mean_gap: Fraction | None  # mean |credit - expert's credit| where both answers earn credit


@dataclass(frozen=True)
class CriterionAgreement:
    key: str
    modal: tuple[Answer, ...]  # the most given answer(s); several on a tie
    agreement: Fraction | None  # share of answering graders who gave a modal answer
    deviation: ExpertDeviation | None  # None without an expert's sheet


@dataclass(frozen=True)
class Spread:
    lowest: Decimal
    highest: Decimal
    mean: Decimal
    stdev: Decimal  # population standard deviation: these graders are all there is to compare

    @property
    def range(self) -> Decimal:
        return self.highest - self.lowest


@dataclass(frozen=True)
class Comparison(Generic[G]):
    criteria: list[CriterionAgreement]
    spread: Spread | None  # None without any total
    alpha: float | None
    total_gaps: dict[G, Decimal]  # each grader's total minus the expert's (empty without an expert)


# ---- per criterion ---------------------------------------------------------------------------

def modal_agreement(answers: Sequence[Answer | None]) -> tuple[tuple[Answer, ...], Fraction | None]:
    """The modal answer(s) and the share of the given answers that are modal (None if none given)."""
    given = Counter(a for a in answers if a is not None)
    if not given:
        return (), None
    top = max(given.values())
    modal = tuple(answer for answer, count in given.items() if count == top)
    return modal, Fraction(top, sum(given.values()))


def ordinal_value(criterion: Criterion, answer: Answer | None) -> Fraction | None:
    """An answer's place on the common ordinal scale (its credit); None for N/A or no answer."""
    if answer is None or answer == NA:
        return None
    return credit(criterion, answer)


def expert_deviation(criterion: Criterion, expert_answer: Answer | None,
                     others: Sequence[Answer | None]) -> ExpertDeviation:
    given = [a for a in others if a is not None]
    expert_value = ordinal_value(criterion, expert_answer)
    gaps = [abs(value - expert_value) for value in (ordinal_value(criterion, a) for a in given)
            if value is not None and expert_value is not None]
    return ExpertDeviation(
        expert_answer=expert_answer,
        differing=sum(1 for a in given if a != expert_answer),
        others=len(given),
        mean_gap=Fraction(sum(gaps), len(gaps)) if gaps else None,
    )


# ---- over the whole call ---------------------------------------------------------------------

def spread(totals: Sequence[Decimal | None]) -> Spread | None:
    given = [t for t in totals if t is not None]
    if not given:
        return None
    # statistics keeps Decimals exact as far as they go (the standard deviation needs a root).
    return Spread(lowest=min(given), highest=max(given), mean=statistics.mean(given),
                  stdev=statistics.pstdev(given))


def ordinal_alpha(criteria: Sequence[Criterion], sheets: Sequence[Sheet]) -> float | None:
    """Krippendorff's alpha, ordinal, with graders as coders and criteria as units."""
    if len(sheets) < 2 or not criteria:
        return None
    data = np.array([[_as_float(ordinal_value(c, sheet.answers.get(c.key))) for c in criteria]
                     for sheet in sheets], dtype=float)
    values = data[~np.isnan(data)]
    if np.unique(values).size < 2:
        return None  # no variation at all: alpha is 0/0
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if not pairable.any():
        return None  # no criterion was answered by two graders
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 (no expected disagreement) is undefined: None
        result = float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal"))
    return None if math.isnan(result) else result


def _as_float(value: Fraction | None) -> float:
    return math.nan if value is None else float(value)


def compare(criteria: Sequence[Criterion], sheets: Sequence[Sheet[G]], expert: G | None = None) -> Comparison[G]:
    """The side-by-side figures of a calibration session's submitted sheets."""
    expert_sheet = next((s for s in sheets if expert is not None and s.grader == expert), None)
    others = [s for s in sheets if s is not expert_sheet]
    rows = []
    for criterion in criteria:
        modal, share = modal_agreement([s.answers.get(criterion.key) for s in sheets])
        deviation = None if expert_sheet is None else expert_deviation(
            criterion, expert_sheet.answers.get(criterion.key), [s.answers.get(criterion.key) for s in others])
        rows.append(CriterionAgreement(criterion.key, modal, share, deviation))
    gaps = {} if expert_sheet is None or expert_sheet.total is None else {
        s.grader: s.total - expert_sheet.total for s in others if s.total is not None}
    return Comparison(rows, spread([s.total for s in sheets]), ordinal_alpha(criteria, sheets), gaps)
