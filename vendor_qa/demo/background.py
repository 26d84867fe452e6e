"""The demo's graded history, loaded after the quick part: what is left, the job, its progress.

`flask demo load` writes what a user needs to log in and look around and, in its last
commit, records in each demo tenant's settings (`HISTORY_KEY`: the seed, the past weeks,
the week of loading) that its history is still to load. The database is the record of the
work; Redis only carries the job:

- `load_history` (an RQ job, and `flask demo history`) does what is left, oldest week
  first, every tenant's week before the next week; then plans the week of loading, and
  removes the records in one last commit. Each week of a tenant is one idempotent step
  (history.add_week): a rerun, or a run after a crash, finishes the history without
  doubling anything. It is one job, not a job per week, so that on the single worker of
  `make run` the scheduler's hourly jobs (closing last week, building last week's reports)
  wait behind it instead of running on a history half loaded.
- `resume_history` (run by `flask start` before its worker starts) enqueues the job again
  when the history is still to load and no job waits for it: after a crash, a lost Redis,
  or a retry that gave up.
- `loading_notice` gives the pages their notice while it loads (partials/demo_loading.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence

from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from vendor_qa import clock, periods
from vendor_qa.agent_view import demo as agent_demo
from vendor_qa.demo import content, history
from vendor_qa.extensions import db
from vendor_qa.grading.models import ACTIVE_STATUSES, Assignment, Evaluation
from vendor_qa.jobs import enqueue
from vendor_qa.redis_store import get_redis
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenant_scope, tenants_scope

HISTORY_KEY = "demo_history"
JOB_ID = "demo-history"  # one job at a time, found again by its id
JOB_TIMEOUT = 1800  # seconds; the default demo's history takes well under a minute, a rerun resumes a timeout
# A job that is waiting or running; `started` may also be a job whose worker died, which
# only `flask start`, before it starts its worker, can tell (see resume_history).
_LIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


@dataclass(frozen=True)
class Pending:
    """One demo tenant's history still to load."""

    tenant: Tenant
    seed: int
    weeks: tuple[str, ...]  # the past weeks, oldest first
    current: str  # the week of loading, planned last


@dataclass(frozen=True)
class Progress:
    week: int  # the week being loaded, from 1; the last is the week of loading, being planned
    of: int
    running: bool  # a job waits or runs for it


def record(tenant: Tenant, seed: int, past_weeks: int, now: datetime) -> None:
    """Note in the tenant's settings that its history of `past_weeks` weeks is still to load."""
    left = {"seed": seed, "weeks": history.past_weeks(tenant, past_weeks, now),
            "current": periods.week_of(now, tenant.timezone)}
    tenant.settings = {**(tenant.settings or {}), HISTORY_KEY: left}


def pending() -> list[Pending]:
    """The demo tenants whose history is still to load (by the slugs' unique index: no scan)."""
    tenants = db.session.scalars(select(Tenant).where(Tenant.slug.in_([spec.slug for spec in content.TENANTS]))
                                 .order_by(Tenant.id))
    found = []
    for tenant in tenants:
        left = (tenant.settings or {}).get(HISTORY_KEY)
        if left:
            found.append(Pending(tenant, left["seed"], tuple(left["weeks"]), left["current"]))
    return found


def complete(report: Callable[[int, int], None] = lambda week, of: None) -> int:
    """Load what is left of the pending history; the number of tenants it was for.

    `report(week, of)` is called as each week is done (the CLI prints it).
    """
    left = pending()
    now = clock.now()
    steps = max((len(p.weeks) for p in left), default=0)
    for step in range(steps):
        for p in left:
            if step < len(p.weeks):
                with tenant_scope(p.tenant.id):
                    history.add_week(p.tenant, p.seed, p.weeks[step], now)
        report(step + 1, steps + 1)
    for p in left:
        with tenant_scope(p.tenant.id):
            history.plan_current_week(p.tenant, p.current, now)
        agent_demo.answer_feedback(p.tenant, p.seed, now)
    for p in left:
        db.session.refresh(p.tenant)  # a settings page may have saved since; keep what it saved
        p.tenant.settings = {k: v for k, v in p.tenant.settings.items() if k != HISTORY_KEY}
    db.session.commit()
    if left:
        report(steps + 1, steps + 1)
    return len(left)


def load_history() -> int:
    """The RQ job: `complete`, with the session closed afterwards (as vendor_qa.jobs.tenant_job does).

    No arguments: the records in the tenants' settings say what is left, so the same job
    serves the first run, a retry and a resumption.
    """
    try:
        return complete()
    finally:
        db.session.remove()


def enqueue_history() -> Job:
    """Enqueue the job under its fixed id, replacing a finished, failed or abandoned one."""
    connection = get_redis()
    try:
        Job.fetch(JOB_ID, connection=connection).delete()
    except NoSuchJobError:
        pass
    return enqueue(load_history, job_id=JOB_ID, timeout=JOB_TIMEOUT)


def resume_history() -> Progress | None:
    """Enqueue the job if the history is still to load and no job waits for it; its progress.

    For `flask start`, before it starts its worker: a job marked as started then was left by
    a worker that is gone, and is enqueued again.
    """
    left = pending()
    if not left:
        return None
    if _job_status() not in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED):
        enqueue_history()
    return _progress(left, running=True)


def loading_notice() -> Progress | None:
    """What the pages say while the history loads (a Jinja global); None once it is there.

    Error pages show it too, and must render when the database or Redis is what failed:
    then there is no notice.
    """
    try:
        left = pending()
        return _progress(left, running=_job_status() in _LIVE) if left else None
    except (SQLAlchemyError, RedisError):
        return None


def summary() -> list[tuple[Tenant, int, int]]:
    """Per demo tenant: evaluations submitted, and work of past weeks its graders left ungraded."""
    tenants = list(db.session.scalars(select(Tenant).where(Tenant.slug.in_([s.slug for s in content.TENANTS]))
                                      .order_by(Tenant.id)))
    ids = [t.id for t in tenants]
    with tenants_scope(ids, "demo: history summary"):
        graded = dict(db.session.execute(select(Evaluation.tenant_id, func.count())
                                         .where(Evaluation.status == "submitted").group_by(Evaluation.tenant_id)).all())
        closed = select(SlaWeekTenant.week).where(SlaWeekTenant.tenant_id == Assignment.tenant_id)
        held = dict(db.session.execute(select(Assignment.tenant_id, func.count()).where(
            Assignment.status.in_(ACTIVE_STATUSES), Assignment.week.in_(closed)).group_by(Assignment.tenant_id)).all())
    return [(t, graded.get(t.id, 0), held.get(t.id, 0)) for t in tenants]


def _progress(left: Sequence[Pending], running: bool) -> Progress:
    """Which week is loading: one past the weeks every pending tenant has closed."""
    ids = [p.tenant.id for p in left]
    with tenants_scope(ids, "demo: history progress"):
        closed = set(db.session.execute(select(SlaWeekTenant.tenant_id, SlaWeekTenant.week)).tuples())
    steps = max(len(p.weeks) for p in left)
    done = 0
    while done < steps and all(done >= len(p.weeks) or (p.tenant.id, p.weeks[done]) in closed for p in left):
        done += 1
    return Progress(week=done + 1, of=steps + 1, running=running)


def _job_status() -> JobStatus | None:
    try:
        return Job.fetch(JOB_ID, connection=get_redis()).get_status()
    except NoSuchJobError:
        return None


