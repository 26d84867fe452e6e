"""The bridge from stored versions and tenant settings to the pure scoring engine."""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from vendor_qa.scorecards import scoring
from vendor_qa.scorecards.models import Criterion, ScorecardVersion
from vendor_qa.scorecards.rules import tenant_bands, tenant_pass_mark

ANSWER_PREFIX = "a-"  # form field of a criterion's answer: a-<criterion key>


def scoring_criterion(criterion: Criterion) -> scoring.Criterion:
    return scoring.Criterion(
        key=criterion.key,
        section=str(criterion.section_id),
        kind=criterion.kind,
        weight=Fraction(criterion.weight),
        allow_na=criterion.allow_na,
        critical=criterion.critical,
        partial_fraction=Fraction(criterion.partial_fraction),
        scale_max=criterion.scale_max if criterion.kind == "scale" else None,
    )


def criteria_of(version: ScorecardVersion) -> list[scoring.Criterion]:
    return [scoring_criterion(c) for c in version.criteria]


def parse_answers(version: ScorecardVersion, form: Mapping[str, str]) -> tuple[dict[str, scoring.Answer], dict[str, str]]:
    """Answers by criterion key from form fields, and an error per key for answers that are not allowed.

    A criterion with no field (or an empty one) is simply unanswered.
    """
    answers: dict[str, scoring.Answer] = {}
    errors: dict[str, str] = {}
    for criterion in criteria_of(version):
        answer = scoring.parse_answer(criterion, form.get(ANSWER_PREFIX + criterion.key))
        if answer is None:
            continue
        problem = scoring.validate_answer(criterion, answer)
        if problem:
            errors[criterion.key] = problem
        else:
            answers[criterion.key] = answer
    return answers, errors


def score_version(version: ScorecardVersion, answers: Mapping[str, scoring.Answer], tenant) -> scoring.ScoreResult:
    return scoring.score(criteria_of(version), answers, tenant_bands(tenant), tenant_pass_mark(tenant))
