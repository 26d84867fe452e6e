"""The SLA's background jobs on RQ and their schedule (RQ's cron, registered in code).

Every job takes ids, a week string and an ISO 8601 `as_of`, sets its tenant's
context (`tenant_job`) and is idempotent (see planner.py, tracker.py). Schedule,
in UTC because RQ's cron is:

- `dispatch_hourly` at minute 30 of every hour: plans each active tenant whose
  local hour is 0 (so around 00:30 local; 00:00 local for zones with half-hour
  offsets), and closes every tenant's previous week that is not closed yet.
  Closing from the hourly run, not a fixed Monday time, closes each week right
  after it ends in the tenant's own zone, and catches up after an outage.
- `dispatch_tracking` every 15 minutes: tracks every active tenant.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import select

from vendor_qa import clock, periods
from vendor_qa.calls.models import Agent, Call
from vendor_qa.extensions import db
from vendor_qa.jobs import cron, tenant_job
from vendor_qa.sla import planner, tracker
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.sla.pool import NewWork, hand_out, insert_assignments
from vendor_qa.sla.settings import agents_in_scope, policy_for_week, versions_by_channel
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants
from vendor_qa.work import outbox

PLAN_TIMEOUT = 1800  # a large tenant's week (bench/sla_plan.py) plans in seconds; room for slow days
TRACK_TIMEOUT = 600
PLANNING_LOCAL_HOUR = 0
TRACKING_SECONDS = 15 * 60


def parse_moment(text: str | None) -> datetime:
    """An ISO 8601 instant with its offset (now when None); ValueError otherwise."""
    if text is None:
        return clock.now()
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset; write e.g. 2026-11-20T00:30:00+00:00")
    return moment


@tenant_job
def plan_tenant_week(tenant_id: int, week: str, as_of: str) -> dict:
    result = planner.plan_week(tenant_id, week, parse_moment(as_of))
    return {"week": result.week, "day": result.day, "low_rating": result.low_rating, "samples": result.samples,
            "given": result.handout.given, "left_in_pool": result.handout.left_in_pool, "note": result.note}


@tenant_job
def track_tenant(tenant_id: int, as_of: str) -> dict:
    result = tracker.track_tenant(tenant_id, parse_moment(as_of))
    return {"week": result.week, "taken_back": result.taken_back, "given": result.handout.given,
            "left_in_pool": result.handout.left_in_pool}


@tenant_job
def close_tenant_week(tenant_id: int, week: str, as_of: str) -> bool:
    return tracker.close_week(tenant_id, week, parse_moment(as_of))


@tenant_job
def create_priority_reviews(tenant_id: int, call_ids: Sequence[int], as_of: str | None = None) -> int:
    """Priority reviews of the low-rated calls among those just ingested; the number created.

    Counted toward the agent's quota and made even above the maximum; the unique
    index makes a rerun create nothing twice.
    """
    now = parse_moment(as_of)
    tenant = db.session.get(Tenant, tenant_id)
    call = Call.__table__
    by_week: dict[str, list[tuple[int, str, int, int]]] = {}
    for call_id, channel, started_at, agent_id, rating in db.session.execute(
            select(call.c.id, call.c.channel, call.c.started_at, call.c.agent_id, call.c.customer_rating)
            .where(call.c.tenant_id == tenant_id, call.c.id.in_(list(call_ids)), call.c.customer_rating.is_not(None))):
        by_week.setdefault(periods.week_of(started_at, tenant.timezone), []).append(
            (call_id, channel, agent_id, rating))
    created = 0
    for week, calls in sorted(by_week.items()):
        created += _priority_reviews_of_week(tenant, week, calls, now)
    if created:
        hand_out(tenant_id, periods.week_of(now, tenant.timezone), now)
    db.session.commit()
    return created


def _priority_reviews_of_week(tenant: Tenant, week: str, calls, now: datetime) -> int:
    policy = policy_for_week(tenant.id, week)
    versions = versions_by_channel(tenant, policy.channels)
    low = [(call_id, channel, agent_id) for call_id, channel, agent_id, rating in calls
           if channel in versions and policy.is_low_rating(rating)]
    if not low:
        return 0
    in_scope = set(db.session.scalars(agents_in_scope(tenant, week).where(
        Agent.__table__.c.id.in_({agent_id for _, _, agent_id in low}))))
    due = now + timedelta(hours=policy.priority_turnaround_hours)
    work = [NewWork(call_id, versions[channel], "low_rating", due)
            for call_id, channel, agent_id in low if agent_id in in_scope]
    return len(insert_assignments(tenant.id, week, work, now))


# Each schedules its job in the session's transaction (vendor_qa.work.outbox); the caller commits.

def enqueue_plan(tenant_id: int, week: str, as_of: str):
    return outbox.schedule(plan_tenant_week, tenant_id, week, as_of, timeout=PLAN_TIMEOUT,
                           job_id=f"plan-{tenant_id}-{week}")


def enqueue_track(tenant_id: int, as_of: str):
    return outbox.schedule(track_tenant, tenant_id, as_of, timeout=TRACK_TIMEOUT, job_id=f"track-{tenant_id}")


def enqueue_close(tenant_id: int, week: str, as_of: str):
    return outbox.schedule(close_tenant_week, tenant_id, week, as_of, timeout=TRACK_TIMEOUT,
                           job_id=f"close-{tenant_id}-{week}")


def enqueue_priority_reviews(tenant_id: int, call_ids: Sequence[int]) -> None:
    """Called with the calls just ingested (API and CSV import), in their transaction."""
    if call_ids:
        outbox.schedule(create_priority_reviews, tenant_id, list(call_ids), timeout=TRACK_TIMEOUT)


# ---- the schedule ----------------------------------------------------------------------------

def active_tenants() -> list[Tenant]:
    return list(db.session.scalars(select(Tenant).where(Tenant.active.is_(True)).order_by(Tenant.id)))


def tenants_to_plan(now: datetime) -> list[Tenant]:
    return [t for t in active_tenants() if now.astimezone(t.zone).hour == PLANNING_LOCAL_HOUR]


def weeks_to_close(now: datetime) -> list[tuple[Tenant, str]]:
    """Each active tenant's previous week that has no permanent record yet."""
    due = [(t, periods.previous_week(periods.week_of(now, t.timezone))) for t in active_tenants()]
    with all_tenants("sla: which weeks are closed"):
        closed = set(db.session.execute(select(SlaWeekTenant.tenant_id, SlaWeekTenant.week).where(
            SlaWeekTenant.tenant_id.in_([t.id for t, _ in due]))).tuples())
    return [(t, week) for t, week in due if (t.id, week) not in closed]


@cron("30 * * * *")
def dispatch_hourly() -> None:
    now = clock.now()
    stamp = now.isoformat()
    for tenant in tenants_to_plan(now):
        enqueue_plan(tenant.id, periods.week_of(now, tenant.timezone), stamp)
    for tenant, week in weeks_to_close(now):
        enqueue_close(tenant.id, week, stamp)
    db.session.commit()


@cron(every=TRACKING_SECONDS)
def dispatch_tracking() -> None:
    stamp = clock.now().isoformat()
    for tenant in active_tenants():
        enqueue_track(tenant.id, stamp)
    db.session.commit()
