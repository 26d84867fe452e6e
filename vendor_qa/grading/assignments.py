"""The life of an assignment: created, assigned or claimed, released, cancelled.

Every change records an AssignmentEvent with who made it and the reason they
gave, so the history of a call in the queue can always be told. Functions change
the session and leave the commit to the caller (a view saves all or nothing);
on PostgreSQL a claim holds its row lock until that commit, so commit promptly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached

from vendor_qa import clock, periods
from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading import claiming
from vendor_qa.grading.models import (
    ACTIVE_STATUSES, DEFAULT_PRIORITY, REASONS, Assignment, AssignmentEvent,
)
from vendor_qa.scorecards.models import ScorecardVersion
from vendor_qa.scorecards.versions import current_version_for_channel
from vendor_qa.sla.settings import policy_for_week
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenants_scope


class AssignmentError(ValueError):
    """A change the rules refuse; the message says why and what to do. `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class DuplicateAssignment(AssignmentError):
    pass


def _required(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise AssignmentError(f"Give a reason for {what}; it is kept in the assignment's history.", field="reason")
    return text


def _record(assignment: Assignment, action: str, actor: User | None, reason: str | None = None,
            from_grader_id: int | None = None, to_grader_id: int | None = None, at: datetime | None = None) -> None:
    # Linked from the event's side: an unloaded history is not read just to add to it.
    db.session.add(AssignmentEvent(
        assignment=assignment, tenant_id=assignment.tenant_id, at=at or clock.now(),
        actor_id=actor.id if actor else None, action=action,
        from_grader_id=from_grader_id, to_grader_id=to_grader_id, reason=reason,
    ))


# ---- creating ------------------------------------------------------------------------------

def duplicate_exists(call: Call, reason: str, week: str) -> bool:
    if reason == "calibration":
        return False  # calibration gives one call to many graders on purpose
    return db.session.scalar(select(Assignment.id).where(
        Assignment.tenant_id == call.tenant_id, Assignment.call_id == call.id,
        Assignment.reason == reason, Assignment.week == week,
    ).limit(1)) is not None


def create_assignment(call: Call, reason: str, version: ScorecardVersion | None = None,
                      due_at: datetime | None = None, priority: int | None = None,
                      actor: User | None = None, note: str | None = None) -> Assignment:
    """A new open assignment of `call` (run in the call's tenant context).

    The version defaults to the tenant's current scorecard for the call's channel, the
    due time to the sample turnaround of the SLA policy of the call's week.
    Raises DuplicateAssignment when the call already has one for this reason and
    week; the unique index stays the backstop when two requests race.
    """
    if reason not in REASONS:
        raise AssignmentError(f"Unknown reason {reason!r}.", field="reason")
    if reason == "manual":
        note = _required(note, "a manual assignment")
    tenant = db.session.get(Tenant, call.tenant_id)
    week = periods.week_of(call.started_at, tenant.zone)
    if duplicate_exists(call, reason, week):
        raise DuplicateAssignment(
            f"Call {call.external_id} already has a {reason.replace('_', ' ')} assignment in week {week}.",
            field="call")
    if version is None:
        version = current_version_for_channel(tenant, call.channel)
        if version is None:
            raise AssignmentError(f"Publish a scorecard for {call.channel} first.", field="call")
    now = clock.now()
    if due_at is None:  # as long as the SLA gives a sample of the call's week
        due_at = now + timedelta(hours=policy_for_week(tenant.id, week).sample_turnaround_hours)
    assignment = Assignment(
        tenant_id=call.tenant_id, call=call, scorecard_version_id=version.id, reason=reason,
        priority=DEFAULT_PRIORITY[reason] if priority is None else priority, week=week,
        due_at=due_at, status="open",
    )
    _record(assignment, "created", actor, note, at=now)
    db.session.add(assignment)
    db.session.flush()
    return assignment


# ---- a vendor admin's actions --------------------------------------------------------------

def certified_graders(tenant_id: int, including_pending: bool = False):
    """Active graders certified for the tenant, by name: who work may be given to.

    A certification pending behind the tenant's certification gate gets calibration work only,
    so `including_pending` is for calibration sessions.
    """
    certified = GraderCertification.active.is_(True) if including_pending else GraderCertification.working
    return select(User).join(GraderCertification, GraderCertification.grader_id == User.id).where(
        GraderCertification.tenant_id == tenant_id, certified,
        User.role == Role.GRADER.value, User.active.is_(True),
    ).order_by(User.name, User.id)


def graded_the_call(assignment: Assignment, grader_id: int) -> bool:
    """Whether the grader holds or held other work on this assignment's call (a double grade needs new eyes)."""
    return db.session.scalar(select(Assignment.id).where(
        Assignment.call_id == assignment.call_id, Assignment.id != assignment.id,
        Assignment.grader_id == grader_id).limit(1)) is not None


def _check_changeable(assignment: Assignment) -> None:
    if assignment.is_final:
        raise AssignmentError(f"This assignment is {assignment.status}; it can no longer be changed.")


def _check_grader(assignment: Assignment, grader: User | None) -> User:
    calibration = assignment.reason == "calibration"
    allowed = grader is not None and db.session.scalar(
        certified_graders(assignment.tenant_id, including_pending=calibration).where(User.id == grader.id)) is not None
    if not allowed:
        raise AssignmentError("Choose an active grader certified for this tenant.", field="grader")
    if assignment.reason == "double" and graded_the_call(assignment, grader.id):
        raise AssignmentError("This grader has graded the call already; a double grade needs another grader.",
                              field="grader")
    return grader


def _give(assignment: Assignment, grader: User, at: datetime) -> None:
    assignment.grader_id = grader.id
    assignment.grader = grader
    assignment.status = "assigned"
    assignment.assigned_at = at


def assign(assignment: Assignment, grader: User, actor: User, reason: str | None) -> None:
    """Give an open assignment to a grader."""
    _check_changeable(assignment)
    if assignment.grader_id is not None:
        raise AssignmentError("This assignment has a grader already; reassign it instead.")
    reason = _required(reason, "assigning")
    _check_grader(assignment, grader)
    now = clock.now()
    _give(assignment, grader, now)
    _record(assignment, "assigned", actor, reason, to_grader_id=grader.id, at=now)


def reassign(assignment: Assignment, grader: User, actor: User, reason: str | None) -> None:
    """Move an assignment from its grader to another one; the new grader starts afresh."""
    _check_changeable(assignment)
    if assignment.reason == "calibration":
        raise AssignmentError("A calibration belongs to its session's graders; change the session instead.")
    if assignment.grader_id is None:
        raise AssignmentError("This assignment has no grader yet; assign it instead.")
    if assignment.grader_id == grader.id:
        raise AssignmentError("This grader holds the assignment already.", field="grader")
    reason = _required(reason, "reassigning")
    _check_grader(assignment, grader)
    previous, now = assignment.grader_id, clock.now()
    _give(assignment, grader, now)
    _record(assignment, "reassigned", actor, reason, from_grader_id=previous, to_grader_id=grader.id, at=now)


def assign_or_reassign(assignment: Assignment, grader: User, actor: User, reason: str | None) -> None:
    (reassign if assignment.grader_id is not None else assign)(assignment, grader, actor, reason)


def cancel(assignment: Assignment, actor: User, reason: str | None) -> None:
    _check_changeable(assignment)
    reason = _required(reason, "cancelling")
    previous = assignment.grader_id
    assignment.status = "cancelled"
    _record(assignment, "cancelled", actor, reason, from_grader_id=previous)


# ---- a grader's actions --------------------------------------------------------------------

def claim_next(grader: User) -> Assignment | None:
    """Take the most urgent open assignment of the grader's certified (working) tenants, or None.

    Atomic, and records the 'claimed' event (see claiming.py); the caller commits at
    once, which on PostgreSQL releases the row lock.
    """
    tenant_ids = grader.working_tenant_ids
    if not tenant_ids:
        return None
    # The claim's SQL names its tenants itself; the scope also lets row-level security see them.
    with tenants_scope(tenant_ids, "grader's claim"):
        row = claiming.claim_open(db.session.connection(), grader.id, tenant_ids, clock.now())
        return None if row is None else _persistent(row)


def _persistent(row) -> Assignment:
    """The claimed row as the session's Assignment, without reading it again.

    Built from the UPDATE's RETURNING row and merged as already loaded, so an
    Assignment the session held before is brought up to date too.
    """
    assignment = Assignment(**row._mapping)
    make_transient_to_detached(assignment)
    return db.session.merge(assignment, load=False)


def held_by(grader: User, assignment_id: int) -> Assignment | None:
    """The grader's own assignment in their queue; None for anyone else's (callers answer 404)."""
    with tenants_scope(grader.certified_tenant_ids, "grader's own assignment"):
        return db.session.scalar(select(Assignment).where(
            Assignment.id == assignment_id, Assignment.grader_id == grader.id,
            Assignment.status.in_(ACTIVE_STATUSES),
        ))


def release(assignment: Assignment, grader: User, reason: str | None) -> None:
    """Give an assignment back to the pool; only its holder may."""
    if assignment.grader_id != grader.id or assignment.status not in ACTIVE_STATUSES:
        raise AssignmentError("Only the grader who holds an assignment can release it.")
    if assignment.reason == "calibration":
        raise AssignmentError("A calibration call is graded by every grader of its session; it cannot be released.")
    reason = _required(reason, "releasing")
    assignment.status = "open"
    assignment.grader_id = None
    assignment.grader = None
    assignment.assigned_at = None
    _record(assignment, "released", grader, reason, from_grader_id=grader.id)


def mark_opened(assignment: Assignment) -> None:
    """The grader opened the grading form: the work is in progress, and its clock starts once."""
    if assignment.status == "assigned":
        assignment.status = "in_progress"
    if assignment.opened_at is None:
        assignment.opened_at = clock.now()
