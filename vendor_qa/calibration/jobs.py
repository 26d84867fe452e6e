"""The calibration cadence: a daily job that starts each tenant's session when one is due.

A tenant's setting `calibration_every_days` (default 14; 0 turns it off) says how often.
Once a day (04:00 UTC) every active tenant gets `schedule_calibration`, which first closes
the tenant's sessions that are finished or past their deadline, then, when the last
session started `calibration_every_days` ago or more (or there is none), starts one: a
random recent call, up to five of the tenant's certified graders picked at random, a
three-day deadline. The session carries its day (`scheduled_for`), unique per tenant, so
a rerun on the same day, or two workers at once, start one session only.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from vendor_qa import clock
from vendor_qa.calibration import service
from vendor_qa.calibration.models import CalibrationSession
from vendor_qa.extensions import db
from vendor_qa.grading.assignments import AssignmentError, certified_graders
from vendor_qa.jobs import cron, tenant_job
from vendor_qa.sla.jobs import active_tenants, parse_moment
from vendor_qa.tenants.models import Tenant
from vendor_qa.work import outbox

CADENCE_GRADERS = 5
CADENCE_DEADLINE = timedelta(days=3)
JOB_TIMEOUT = 300


@tenant_job
def schedule_calibration(tenant_id: int, day: str, as_of: str | None = None) -> str:
    """Close the tenant's due sessions and start today's one if the cadence calls for it; what happened."""
    now, today = parse_moment(as_of), date.fromisoformat(day)
    for session in service.due_sessions(now):
        service.close_if_due(session, now)
    tenant = db.session.get(Tenant, tenant_id)
    if db.session.scalar(select(CalibrationSession.id).where(CalibrationSession.scheduled_for == today)):
        return "already started today"
    status = service.cadence_statuses([tenant])[tenant.id]
    if not status.every_days:
        return "no cadence set"
    if status.up_to_date(now):
        return f"up to date (next due {status.due_at():%Y-%m-%d})"
    graders = list(db.session.scalars(
        certified_graders(tenant.id, including_pending=True)  # calibration is how pending graders qualify
        .order_by(None).order_by(func.random()).limit(CADENCE_GRADERS)))
    if len(graders) < service.MIN_GRADERS:
        return "fewer than two certified graders"
    try:
        call = service.random_recent_call(tenant, now)
        session = service.create_session(tenant, call, [g.id for g in graders], now + CADENCE_DEADLINE, None,
                                         now=now, scheduled_for=today)
        db.session.commit()
    except AssignmentError as error:
        db.session.rollback()
        return str(error)
    except IntegrityError:  # another run started today's session a moment ago
        db.session.rollback()
        return "already started today"
    return f"started session #{session.id} on call {call.external_id} with {len(graders)} graders"


def enqueue_schedule(tenant_id: int, day: str, as_of: str):
    """Schedule the job in the session's transaction (vendor_qa.work.outbox); the caller commits."""
    return outbox.schedule(schedule_calibration, tenant_id, day, as_of, timeout=JOB_TIMEOUT,
                           job_id=f"calibration-{tenant_id}-{day}")


@cron("0 4 * * *")
def dispatch_calibration() -> None:
    now = clock.now()
    for tenant in active_tenants():
        enqueue_schedule(tenant.id, now.date().isoformat(), now.isoformat())
    db.session.commit()
