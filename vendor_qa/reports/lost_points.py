"""Points lost per criterion, summed exactly.

A criterion row keeps what its answer earned cut to four decimals (2 of 11 on a 5-point scale
earns 10/11 = 0.90909..., kept as 0.9090), so adding up `possible - earned` row by row drifts
upwards: five such rows lose exactly 60/11 = 5.4545... points, but their stored rows add up to
5.455, which shows as 5.46. So each row's loss is taken from its answer instead: the weight times
the share of it the answer did not earn (`scoring.credit`), a Fraction. The rows are counted per
criterion version, answer and stored figures in one GROUP BY, and each group adds count x its
exact loss; the sum is rounded once, where it is shown. A row whose answer does not give its
stored figure (written by hand, not by the grading form) counts with its stored figure.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation, EvaluationCriterion
from vendor_qa.periods import Period
from vendor_qa.reports.counting import Filters, counted
from vendor_qa.scorecards import scoring
from vendor_qa.scorecards.engine import scoring_criterion
from vendor_qa.scorecards.models import Criterion


def exact_earned(criterion: scoring.Criterion, answer: str, stored: Decimal) -> Fraction:
    """What the answer earned, exactly, when it is what `stored` was cut from; else `stored` itself."""
    parsed = scoring.parse_answer(criterion, answer)
    if parsed is None or parsed == scoring.NA or scoring.validate_answer(criterion, parsed) is not None:
        return Fraction(stored)
    earned = scoring.exact(criterion.weight) * scoring.credit(criterion, parsed)
    return earned if scoring.to_decimal(earned) == stored else Fraction(stored)


def points_lost(tenant_id: int, span: Period, filters: Filters) -> dict[str, Fraction]:
    """{criterion key: the exact points lost on it} in the counted evaluations of the span."""
    ec = EvaluationCriterion
    groups = db.session.execute(
        select(ec.criterion_key, ec.criterion_id, ec.answer, ec.earned, ec.possible, func.count())
        .select_from(ec).join(Evaluation, Evaluation.id == ec.evaluation_id)
        .where(*counted(tenant_id, span, filters), ec.tenant_id == tenant_id, ec.applicable.is_(True),
               ec.earned < ec.possible)
        .group_by(ec.criterion_key, ec.criterion_id, ec.answer, ec.earned, ec.possible)).all()
    criteria = {c.id: scoring_criterion(c) for c in db.session.scalars(
        select(Criterion).where(Criterion.id.in_({g.criterion_id for g in groups})))}
    found: dict[str, Fraction] = defaultdict(Fraction)
    for key, criterion_id, answer, earned, possible, count in groups:
        found[key] += count * (Fraction(possible) - exact_earned(criteria[criterion_id], answer, earned))
    return dict(found)
