"""A grader's flow through the work: which assignment comes next, and starting it.

"Get next" and "Submit and next" follow one rule: the grader's own current work first
(highest priority, then earliest due), then a claim from the shared pool, then the
grader's own leftovers of closed SLA weeks (they no longer count towards their week's
quota, so work that still counts goes first). Never "nothing to do" while the grader
holds open work.

Starting is a POST (Get next, the queue's "Grade", the form's "Start"): it moves the
work to "in progress", makes the draft and starts its clock. Opening the form with a GET
only displays it.
"""

from __future__ import annotations

from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth.models import User
from vendor_qa.extensions import db
from vendor_qa.grading import assignments, evaluations, queue, timing
from vendor_qa.grading.models import Assignment
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenants_scope


def start(assignment: Assignment) -> None:
    """The holder starts (or comes back to) the work; commits (run in the assignment's tenant scope)."""
    evaluations.ensure_editable(assignment)
    timing.start(assignment, clock.now())
    evaluations.open_form(assignment)  # in progress, the draft; commits the clock with them


def next_for(grader: User) -> Assignment | None:
    """The assignment the grader should do next, claimed from the pool if it comes from there; None: nothing."""
    tenant_ids = grader.certified_tenant_ids
    with tenants_scope(tenant_ids, "grader's next work"):
        weeks = queue.current_weeks(db.session.scalars(select(Tenant).where(Tenant.id.in_(tenant_ids))).all(),
                                    clock.now())
        own = queue.own_next(grader.id, weeks)
    if own is not None:
        return own
    claimed = assignments.claim_next(grader)
    if claimed is not None:
        db.session.commit()  # at once: on PostgreSQL this releases the row lock
        return claimed
    with tenants_scope(tenant_ids, "grader's next work"):
        return queue.own_next(grader.id, weeks, leftovers=True)


def take_next(grader: User) -> Assignment | None:
    """The next assignment, started; None when the grader has nothing to do and the pool is empty."""
    found = next_for(grader)
    if found is not None:
        with tenants_scope(grader.certified_tenant_ids, "grader starts the next work"):
            start(found)
    return found
