"""The reports' background jobs and their schedule.

- `build_report(tenant_id, period, report_id=None, deliver=False)` builds a report: the
  scheduled one of that period (found or created: unique per tenant and period) or, with
  `report_id`, an on-demand row the "build now" button created. A ready report is never
  built again, so a rerun changes nothing; a failed one is built again in place.
- `deliver_report(tenant_id, report_id)` e-mails a ready report to the tenant's recipients,
  once per recipient (see delivery.py); it fails while some recipient failed with attempts
  left, so RQ retries it with backoff (DELIVERY_RETRY), each retry sending only what is left.
- `rebuild_rollups(tenant_id)` recomputes the tenant's report rollups (rollups.py) from the
  raw rows: after a bulk load, or once after the migration that adds them; then it refreshes
  the verdicts.
- `refresh_verdicts()` runs every VERDICT_MINUTES minutes: for each active tenant it tests and
  stores (verdicts.py) the criteria verdicts of the current and previous ISO week and month,
  unfiltered, the dashboard's views that people open, so that a page reads them instead of
  running a Fisher test per agent and criterion; a page opened before the next run after a
  submission tests its criteria itself, with the same result.
- `dispatch_reports()` runs every hour on the hour (RQ cron, UTC). A week's report is due
  at 06:00 tenant time on the Monday after it, a month's on the 1st after it. Each run
  enqueues, with delivery, every due report of the last CATCH_UP_WEEKS weeks and
  CATCH_UP_MONTHS months that has no scheduled report row yet (periods that ended before
  the tenant existed are not owed), so runs missed while the scheduler was down are caught
  up by the next one. The dispatcher creates the report's row before enqueueing it, and
  only the run that created it enqueues: a report is dispatched once, hence built and
  delivered once. Comparing with the local time serves every time zone and follows DST. A
  report whose job was lost is built by the sweeper's next run (vendor_qa.work.sweeper).

Builds and deliveries are scheduled through the outbox, in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from rq import Retry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vendor_qa import clock, periods
from vendor_qa.extensions import db
from vendor_qa.jobs import cron, tenant_job
from vendor_qa.reports import aggregates, builder, delivery, exports, pdf, rollups, verdicts
from vendor_qa.reports.models import KIND_OF_PERIOD, Report
from vendor_qa.sla.jobs import active_tenants, parse_moment
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenant_scope
from vendor_qa.work import outbox

BUILD_TIMEOUT = 1800
DELIVERY_TIMEOUT = 600
BUILD_RETRY = Retry(max=2, interval=[60, 600])
DELIVERY_RETRY = Retry(max=delivery.MAX_ATTEMPTS - 1, interval=[60, 600, 3600])
REPORT_LOCAL_HOUR = 6
CATCH_UP_WEEKS = 4
CATCH_UP_MONTHS = 2
ERROR_LENGTH = 2000
VERDICT_MINUTES = 5


def scheduled_report(tenant: Tenant, period: periods.ReportPeriod) -> Report:
    """The tenant's scheduled report of the period, created queued when there is none yet."""
    query = select(Report).where(Report.tenant_id == tenant.id, Report.period == period.key, Report.scheduled)
    return db.session.scalar(query) or claim_period(tenant, period) or db.session.scalar(query)


def claim_period(tenant: Tenant, period: periods.ReportPeriod) -> Report | None:
    """Create the period's scheduled report, queued; None when it exists (another run created it)."""
    report = Report(tenant_id=tenant.id, kind=KIND_OF_PERIOD[period.kind], period=period.key, scheduled=True)
    db.session.add(report)
    try:
        db.session.commit()
    except IntegrityError:  # the unique index: this period has its report
        db.session.rollback()
        return None
    return report


def make_document(tenant: Tenant, period: periods.ReportPeriod, report: Report) -> None:
    """Freeze the period's figures into the report with its PDF and CSVs, and mark it ready."""
    report.status, report.error = "building", None
    db.session.commit()
    try:
        snapshot = builder.build_snapshot(tenant, period)
        report.snapshot = snapshot
        report.pdf = pdf.render(snapshot)
        report.evaluations_csv = exports.evaluations_csv(tenant, period)
        report.agents_csv = exports.agents_csv(tenant, period)
        report.status, report.built_at = "ready", clock.now()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        report.status, report.error = "failed", f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        db.session.commit()
        raise


@tenant_job
def build_report(tenant_id: int, period: str, report_id: int | None = None, deliver: bool = False) -> int:
    tenant = db.session.get(Tenant, tenant_id)
    found = periods.parse_period(period, tenant.zone)
    report = scheduled_report(tenant, found) if report_id is None else db.session.get(Report, report_id)
    if report.status != "ready":
        make_document(tenant, found, report)
    if deliver:
        enqueue_delivery(tenant_id, report.id)
        db.session.commit()
    return report.id


@tenant_job
def deliver_report(tenant_id: int, report_id: int) -> dict:
    report = db.session.get(Report, report_id)
    if report is None or not report.ready:
        raise ValueError(f"report {report_id} is not ready to deliver")
    delivery.add_recipients(report, delivery.recipients(report.tenant))
    result = delivery.deliver(report)
    if delivery.retry_left(report):
        raise delivery.DeliveryIncomplete(f"{result.failed} recipient(s) failed; retrying those only")
    return {"sent": result.sent, "failed": result.failed, "skipped": result.skipped}


@tenant_job
def rebuild_rollups(tenant_id: int) -> int:
    """Recompute the tenant's report rollups from its evaluations in one transaction; the days covered."""
    tenant = db.session.get(Tenant, tenant_id)
    days = rollups.rebuild(tenant)
    db.session.commit()
    keep_verdicts(tenant, clock.now())
    return days


def keep_verdicts(tenant: Tenant, now: datetime) -> int:
    """Store the verdicts of the tenant's current and previous week and month (the caller holds its
    scope); the number of criteria tested afresh."""
    threshold = float(aggregates.systemic_share(tenant))
    tested = 0
    for current in (periods.current_week(tenant.zone, now), periods.current_month(tenant.zone, now)):
        for period in (current, periods.previous(current, tenant.zone)):
            tested += verdicts.keep(tenant.id, aggregates.criterion_losses(tenant, period), threshold, now)
    verdicts.forget_unseen(tenant.id, now)
    db.session.commit()
    return tested


@cron(f"*/{VERDICT_MINUTES} * * * *")
def refresh_verdicts(as_of: str | None = None) -> int:
    """Keep every active tenant's dashboard verdicts (see the module's docstring); the number tested afresh."""
    now = parse_moment(as_of)
    tested = 0
    for tenant in active_tenants():
        with tenant_scope(tenant.id):
            tested += keep_verdicts(tenant, now)
    return tested


def build_job_id(report_id: int) -> str:
    return f"report-build-{report_id}"


def enqueue_build(tenant_id: int, period: str, report_id: int | None = None, deliver: bool = False):
    """Schedule the build in the session's transaction (vendor_qa.work.outbox); the caller commits."""
    return outbox.schedule(build_report, tenant_id, period, report_id, deliver, timeout=BUILD_TIMEOUT,
                           retry=BUILD_RETRY, job_id=build_job_id(report_id) if report_id else None)


def enqueue_delivery(tenant_id: int, report_id: int):
    """Schedule the delivery in the session's transaction; the caller commits."""
    return outbox.schedule(deliver_report, tenant_id, report_id, timeout=DELIVERY_TIMEOUT, retry=DELIVERY_RETRY,
                           job_id=f"report-deliver-{report_id}")


# ---- the schedule ----------------------------------------------------------------------------

def report_time(period: periods.ReportPeriod, tenant: Tenant) -> datetime:
    """When a scheduled report falls due: 06:00 tenant time on the day after its period."""
    local = datetime.combine(period.last + timedelta(days=1), time(REPORT_LOCAL_HOUR), tzinfo=tenant.zone)
    return local.astimezone(timezone.utc)


def due_periods(tenant: Tenant, now: datetime) -> list[str]:
    """The periods of the catch-up window whose scheduled report is due by `now`, oldest first."""
    zone = tenant.zone
    candidates = []
    for latest, count in ((periods.current_week(zone, now), CATCH_UP_WEEKS),
                          (periods.current_month(zone, now), CATCH_UP_MONTHS)):
        for _ in range(count):
            latest = periods.previous(latest, zone)
            candidates.append(latest)
    due = [p for p in candidates if report_time(p, tenant) <= now and p.bounds.end > tenant.created_at]
    return [p.key for p in sorted(due, key=lambda p: (report_time(p, tenant), p.kind))]


@cron("0 * * * *")
def dispatch_reports(as_of: str | None = None) -> int:
    """Enqueue the due scheduled reports not dispatched yet, caught up over the window; the number enqueued."""
    now = parse_moment(as_of)
    enqueued = 0
    for tenant in active_tenants():
        with tenant_scope(tenant.id):
            due = due_periods(tenant, now)
            done = set(db.session.scalars(select(Report.period).where(
                Report.tenant_id == tenant.id, Report.scheduled, Report.period.in_(due))))
            for key in [k for k in due if k not in done]:
                report = claim_period(tenant, periods.parse_period(key, tenant.zone))
                if report is None:
                    continue
                try:
                    enqueue_build(tenant.id, key, report.id, deliver=True)
                    db.session.commit()
                except Exception:  # not enqueued: free the period for the next run
                    db.session.delete(report)
                    db.session.commit()
                    raise
                enqueued += 1
    return enqueued
