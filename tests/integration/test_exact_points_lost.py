"""Points lost are summed exactly and rounded once where they are shown.

5 of 11 on a 2-point scale criterion earns 10/11 of a point, kept as 0.9090: the row loses 1.0910
as stored, 12/11 = 1.090909... exactly. Five such evaluations lose 60/11 = 5.4545...
points ("5.45"); adding the stored rows gives 5.455 ("5.46"), the drift the statistician found.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import Assignment, EvaluationCriterion
from vendor_qa.periods import month_period
from vendor_qa.reports import aggregates, builder, lost_points
from vendor_qa.reports.aggregates import Filters
from vendor_qa.scorecards import versions
from vendor_qa.tenants.scoping import tenant_scope

EVALUATIONS = 5


def _scale_card(tenant) -> tuple[int, str]:
    with tenant_scope(tenant.id):
        version = versions.create_scorecard(tenant.id, "Scale", ["phone"])
        section = versions.add_section(version, "Call")
        versions.add_criterion(section, {"text": "Explains the next steps", "kind": "scale", "weight": Decimal(2),
                                         "scale_max": 11})
        versions.publish(version, None)
        db.session.commit()
        return version.id, version.criteria[0].key


def _graded_five_of_eleven(build, tenant, version_id: int, key: str) -> None:
    """EVALUATIONS calls, each scored 5 of 11 through the grading form's own code."""
    grader, agent = build.grader(tenant), build.agent(tenant)
    now = clock.now()
    for _ in range(EVALUATIONS):
        call = build.call(agent, started_at=now - timedelta(hours=3), channel="phone")
        with tenant_scope(tenant.id):
            assignment = Assignment(tenant_id=tenant.id, call_id=call.id, scorecard_version_id=version_id,
                                    reason="sample", priority=10, week="2026-W48", due_at=now + timedelta(days=2),
                                    status="assigned", grader_id=grader.id, assigned_at=now)
            db.session.add(assignment)
            db.session.commit()
            evaluations.open_form(assignment, now=now - timedelta(minutes=5))
            form = {f"a-{key}": "5", f"c-{key}": "Half of the steps", "feedback_good": "Polite.",
                    "feedback_improve": "Name every step."}
            assert evaluations.submit(assignment, form, tenant, now=now).ok


def test_points_lost_add_up_exactly_and_round_once(app, build, login):
    tenant = build.tenant(timezone="UTC")
    version_id, key = _scale_card(tenant)
    _graded_five_of_eleven(build, tenant, version_id, key)
    november = month_period(2026, 11, "UTC")
    with tenant_scope(tenant.id):
        stored = db.session.execute(select(EvaluationCriterion.earned, EvaluationCriterion.possible)).all()
        [problem] = aggregates.criteria_problems(tenant, november)
        snapshot = builder.build_snapshot(tenant, november)
    assert sum(possible - earned for earned, possible in stored) == Decimal("5.4550")  # the per-row drift
    assert problem.points_lost == Fraction(60, 11)
    assert Fraction(snapshot["criteria"][0]["points_lost"]) == Fraction(60, 11)

    html = login(build.manager(tenant)).get(f"/t/{tenant.slug}/dashboard?view=month&month=2026-11")
    row = re.search(rf'<tr data-criterion="{key}">(.*?)</tr>', html.get_data(as_text=True), re.DOTALL)[1]
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[1] == "5.45"


def test_a_row_whose_answer_does_not_give_its_figure_counts_as_stored(app, build):
    """Rows written by hand (imports, old data) keep their stored figure: nothing is invented."""
    tenant = build.tenant(timezone="UTC")
    version_id, key = _scale_card(tenant)
    _graded_five_of_eleven(build, tenant, version_id, key)
    with tenant_scope(tenant.id):
        row = db.session.scalars(select(EvaluationCriterion)).first()
        row.answer, row.earned = "x", Decimal("0.5000")
        db.session.commit()
        found = lost_points.points_lost(tenant.id, month_period(2026, 11, "UTC").bounds, Filters())
    assert found == {key: 4 * Fraction(12, 11) + Fraction(3, 2)}
