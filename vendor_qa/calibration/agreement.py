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
- *agreement by kind of criterion* (vendor_qa.stats.agreement): the call's criteria of one kind
  are the units, graders the coders; yes/no criteria at the nominal level, graded ones (none <
  partial < full) and each scale (0..N) at the ordinal level, each kind apart: pooling a yes/no
  with a 0-5 scale on one "credit" scale distorts alpha both ways. Krippendorff's alpha and
  Gwet's AC1 (which survives a lopsided criterion, where alpha collapses), each with a bootstrap
  interval over the criteria. N/A and missing answers are missing values. Agreement per
  criterion across many calls is the reliability page's (reliability_data.criterion_agreements).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Generic, Hashable, Mapping, Sequence, TypeVar

from vendor_qa.scorecards.scoring import NA, Answer, Criterion, credit
from vendor_qa.stats import agreement as stats_agreement

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
class KindAgreement:
    """Agreement over the criteria of one kind (the units) of a call."""

    label: str  # "yes/no", "graded", "scale 0-5"
    criteria: int
    agreement: stats_agreement.Agreement


@dataclass(frozen=True)
class Comparison(Generic[G]):
    criteria: list[CriterionAgreement]
    spread: Spread | None  # None without any total
    by_kind: list[KindAgreement]
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


def categories(criterion: Criterion) -> tuple[str, stats_agreement.Level, tuple[Answer, ...]]:
    """A criterion's kind as agreement sees it: its label, level of measurement and answers, worst first."""
    if criterion.kind == "binary":
        return "yes/no", "nominal", ("no", "yes")
    if criterion.kind == "graded":
        return "graded", "ordinal", ("none", "partial", "full")
    assert criterion.scale_max is not None
    return f"scale 0–{criterion.scale_max}", "ordinal", tuple(range(criterion.scale_max + 1))


def by_kind(criteria: Sequence[Criterion], sheets: Sequence[Sheet]) -> list[KindAgreement]:
    """Alpha and AC1 over the criteria of each kind, the criteria as units (one call: few units)."""
    groups: dict[tuple, list[Criterion]] = {}
    for criterion in criteria:
        groups.setdefault(categories(criterion), []).append(criterion)
    found = []
    for (label, level, answers), members in groups.items():
        units = [[_answer(s.answers.get(c.key)) for s in sheets] for c in members]
        found.append(KindAgreement(label, len(members),
                                   stats_agreement.agreement(stats_agreement.answer_counts(units, answers), level)))
    return found


@dataclass(frozen=True)
class AcrossCalls:
    """One criterion's agreement over many calls, the calls as units (its own kind, its own level)."""

    key: str
    text: str
    label: str
    agreement: stats_agreement.Agreement


def across_calls(criteria: Sequence, calls: Sequence[Sequence[Mapping[str, Answer]]]) -> list[AcrossCalls]:
    """Per criterion (anything with key, text, kind and scale_max), its agreement over the calls that
    several graders answered: each call is a unit, the answers of its graders the ratings."""
    found = []
    for criterion in criteria:
        label, level, answers = categories(criterion)
        units = [[_answer(sheet.get(criterion.key)) for sheet in call] for call in calls]
        counts = stats_agreement.answer_counts(units, answers)
        if (counts.sum(axis=1) >= 2).any():
            found.append(AcrossCalls(criterion.key, criterion.text, label, stats_agreement.agreement(counts, level)))
    return found


def _answer(answer: Answer | None) -> Answer | None:
    """A scale's answer as its integer (sheets may carry it as text); the words as they are."""
    return int(answer) if isinstance(answer, str) and answer.isdigit() else answer


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
    return Comparison(rows, spread([s.total for s in sheets]), by_kind(criteria, sheets), gaps)
