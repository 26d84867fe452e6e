"""The sweeper: work with no live job is written to the outbox again.

Run with the relay every SWEEP_SECONDS by the scheduler, and at each worker's start. It
finds imports and report builds still to do whose job is gone (lost with Redis, never
relayed, ended without finishing) or sits on a dead worker, and every other job started
by a dead worker (a plan, a delivery, tracking...). Jobs are idempotent, so running one
again completes it; the stable job ids keep a sweep that overlaps the relay from doubling
work. A unit of work touched less than GRACE ago is left alone: its job may be on its way.
"""

from __future__ import annotations

from datetime import timedelta

import redis
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import StartedJobRegistry
from sqlalchemy import select, update

from vendor_qa import clock
from vendor_qa.calls import csv_import
from vendor_qa.calls.models import CallImport
from vendor_qa.extensions import db
from vendor_qa.jobs import DEFAULT_TIMEOUT, cron, queue
from vendor_qa.redis_store import get_redis
from vendor_qa.reports import jobs as report_jobs
from vendor_qa.reports.models import Report
from vendor_qa.tenants.scoping import all_tenants, tenant_scope
from vendor_qa.work import liveness, outbox

SWEEP_SECONDS = 30
GRACE = timedelta(seconds=30)


@cron(every=SWEEP_SECONDS)
def relay_and_sweep() -> dict[str, int]:
    """The periodic relay of the outbox and the sweep, as one job."""
    swept = sweep()
    return {"swept": swept, "relayed": outbox.relay()}


def sweep() -> int:
    """Write the work with no live job to the outbox (committed); the number of units found."""
    connection = get_redis()
    taken = outbox.pending_job_ids()
    cutoff = clock.now() - GRACE
    found = _imports(connection, taken, cutoff) + _reports(connection, taken, cutoff)
    found += _dead_jobs(connection, taken)
    db.session.commit()
    return found


def _lost(connection: redis.Redis, job_id: str, taken: set[str]) -> bool:
    if job_id in taken:
        return False
    if liveness.job_state(connection, job_id) in (liveness.WAITING, liveness.RUNNING):
        return False
    taken.add(job_id)
    return True


def _unfinished(model, statuses: tuple[str, ...], cutoff, *columns) -> list:
    with all_tenants("sweeper: unfinished work of every tenant"):
        return db.session.execute(select(model.id, model.tenant_id, *columns).where(
            model.status.in_(statuses), model.updated_at < cutoff)).all()


def _imports(connection: redis.Redis, taken: set[str], cutoff) -> int:
    lost = [(id_, tenant_id) for id_, tenant_id in _unfinished(CallImport, ("queued", "running"), cutoff)
            if _lost(connection, csv_import.job_id(id_), taken)]
    for import_id, tenant_id in lost:
        with tenant_scope(tenant_id):  # an interrupted import committed nothing: it starts over
            db.session.execute(update(CallImport).where(CallImport.id == import_id)
                               .values(status="queued", processed_rows=0))
            csv_import.schedule_import(tenant_id, import_id)
            db.session.commit()
    return len(lost)


def _reports(connection: redis.Redis, taken: set[str], cutoff) -> int:
    rows = _unfinished(Report, ("queued", "building"), cutoff, Report.period, Report.scheduled)
    lost = [row for row in rows if _lost(connection, report_jobs.build_job_id(row.id), taken)]
    for report_id, tenant_id, period, scheduled in lost:
        with tenant_scope(tenant_id):
            db.session.execute(update(Report).where(Report.id == report_id).values(status="queued"))
            report_jobs.enqueue_build(tenant_id, period, report_id, deliver=scheduled)
            db.session.commit()
    return len(lost)


def _dead_jobs(connection: redis.Redis, taken: set[str]) -> int:
    """Jobs RQ still counts as started whose worker died: the same job again, under its id."""
    found = 0
    for job_id in StartedJobRegistry(queue=queue()).get_job_ids(cleanup=False):
        try:
            job = Job.fetch(job_id, connection=connection)
        except NoSuchJobError:
            continue
        if job_id in taken or liveness.is_alive(connection, job.worker_name):
            continue
        taken.add(job_id)
        outbox.schedule_call(job.func_name, list(job.args), dict(job.kwargs), job_id=job_id,
                             timeout=int(job.timeout or DEFAULT_TIMEOUT), retry=_retry(job))
        found += 1
    return found


def _retry(job: Job) -> Retry | None:
    return Retry(max=job.retries_left, interval=job.retry_intervals or 0) if job.retries_left else None
