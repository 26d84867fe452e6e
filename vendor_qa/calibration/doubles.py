"""Blind double grades: a stable share of sampled calls is graded a second time by another grader.

When a 'sample' evaluation is submitted (the `evaluation_scored` signal, inside the
submission's transaction), the call gets a second grade if it falls in the tenant's
`double_grade_share` (`reliability.chosen_for_double` on its sample key, so a rerun, or the
signal again after a dispute's correction, decides the same and adds nothing twice: the
unique index allows one 'double' per call and week). The second grade is a 'double'
assignment of the same call and scorecard version, due after the policy's sample
turnaround, given at once to the grader with the most free capacity among the tenant's other
certified graders (the distribution's own rule). When none has room it waits in the pool,
where "Get next" never hands it to a grader who has graded the call (claiming.py), and a
vendor admin cannot give it to one either (assignments.py). The SLA distribution leaves it
alone: it is not SLA work.

Silent: the grader's pages show it as a sample, and a grader only ever sees their own
evaluations. It counts toward no agent, report or SLA figure (UNCOUNTED_REASONS); the pair
feeds both graders' reliability figures (vendor_qa.calibration.reliability_data).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth.models import User
from vendor_qa.calibration.reliability import chosen_for_double
from vendor_qa.extensions import db
from vendor_qa.grading import assignments
from vendor_qa.grading.assignments import DuplicateAssignment
from vendor_qa.grading.models import Assignment, Evaluation
from vendor_qa.grading.signals import evaluation_scored
from vendor_qa.sla.distribution import distribute
from vendor_qa.sla.pool import grader_loads
from vendor_qa.sla.settings import policy_for_week
from vendor_qa.tenants.models import Tenant

NOTE = "Reliability: blind second grade of a sampled call"


def start_double_grade(evaluation: Evaluation, now: datetime | None = None) -> Assignment | None:
    """The double grade of a submitted sample's call, if its share chooses it; None otherwise.

    Runs in the evaluation's tenant context and leaves the commit to the caller.
    """
    assignment = evaluation.assignment
    if assignment.reason != "sample" or evaluation.status != "submitted":
        return None
    tenant = db.session.get(Tenant, evaluation.tenant_id)
    call = assignment.call
    if not chosen_for_double(call.sample_key, tenant.setting("double_grade_share")):
        return None
    graded = set(db.session.scalars(select(Assignment.grader_id).where(
        Assignment.call_id == call.id, Assignment.grader_id.is_not(None))))
    others = [load for load in grader_loads(tenant.id, assignment.week) if load.grader_id not in graded]
    if not others:
        return None  # no second grader is certified for the tenant: nobody could ever take it
    now = now or clock.now()
    turnaround = timedelta(hours=policy_for_week(tenant.id, assignment.week).sample_turnaround_hours)
    try:
        work = assignments.create_assignment(call, "double", assignment.scorecard_version, due_at=now + turnaround,
                                             note=NOTE)
    except DuplicateAssignment:
        return None
    given, _ = distribute([(work.id, call.agent_id)], others)
    if work.id in given:
        assignments.assign(work, db.session.get(User, given[work.id]), None, NOTE)
    return work


@evaluation_scored.connect
def _on_scored(evaluation: Evaluation) -> None:
    start_double_grade(evaluation)
