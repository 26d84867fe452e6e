"""The reports' background jobs and their schedule.

- `build_report(tenant_id, period, report_id=None, deliver=False)` builds a report: the
  scheduled one of that period (found or created: unique per tenant and period) or, with
  `report_id`, an on-demand row the "build now" button created. A ready report is never
  built again, so a rerun changes nothing; a failed one is built again in place.
- `deliver_report(tenant_id, report_id)` e-mails a ready report to the tenant's recipients,
  once per recipient (see delivery.py); it fails while some recipient failed with attempts
  left, so RQ retries it with backoff (DELIVERY_RETRY), each retry sending only what is left.
- `dispatch_reports()` runs every hour on the hour (RQ cron, UTC). For every active tenant
  whose LOCAL time is then in the 06:00 hour it enqueues, with delivery, the past ISO
  week's report on a Monday and the past month's on the 1st. Checking the local hour each
  hour serves every time zone (half-hour offsets too, at 06:30) and follows DST. A run
  missed during an outage is not caught up by itself; `flask reports build` builds it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rq import Retry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vendor_qa.extensions import db
from vendor_qa.jobs import cron, enqueue, tenant_job
from vendor_qa.models import utcnow
from vendor_qa.reports import builder, delivery, exports, pdf, periods
from vendor_qa.reports.models import KIND_OF_PERIOD, Report
from vendor_qa.sla.jobs import active_tenants, parse_moment
from vendor_qa.tenants.models import Tenant

BUILD_TIMEOUT = 1800
DELIVERY_TIMEOUT = 600
BUILD_RETRY = Retry(max=2, interval=[60, 600])
DELIVERY_RETRY = Retry(max=delivery.MAX_ATTEMPTS - 1, interval=[60, 600, 3600])
REPORT_LOCAL_HOUR = 6
ERROR_LENGTH = 2000


def scheduled_report(tenant: Tenant, period: periods.ReportPeriod) -> Report:
    """The tenant's scheduled report of the period, created queued when there is none yet."""
    query = select(Report).where(Report.tenant_id == tenant.id, Report.period == period.key, Report.scheduled)
    report = db.session.scalar(query)
    if report is not None:
        return report
    db.session.add(Report(tenant_id=tenant.id, kind=KIND_OF_PERIOD[period.kind], period=period.key, scheduled=True))
    try:
        db.session.commit()
    except IntegrityError:  # another run created it just now
        db.session.rollback()
    return db.session.scalar(query)


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
        report.status, report.built_at = "ready", utcnow()
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


def enqueue_build(tenant_id: int, period: str, report_id: int | None = None, deliver: bool = False):
    return enqueue(build_report, tenant_id, period, report_id, deliver, timeout=BUILD_TIMEOUT, retry=BUILD_RETRY)


def enqueue_delivery(tenant_id: int, report_id: int):
    return enqueue(deliver_report, tenant_id, report_id, timeout=DELIVERY_TIMEOUT, retry=DELIVERY_RETRY)


# ---- the schedule ----------------------------------------------------------------------------

def due_periods(tenant: Tenant, now: datetime) -> list[str]:
    """The periods whose scheduled report is due at `now` for this tenant (usually none)."""
    local = now.astimezone(tenant.zone)
    if local.hour != REPORT_LOCAL_HOUR:
        return []
    due = []
    if local.weekday() == 0:
        due.append(periods.previous(periods.current_week(tenant.zone, now), tenant.zone).key)
    if local.day == 1:
        last_month = local.date() - timedelta(days=1)
        due.append(f"{last_month:%Y-%m}")
    return due


@cron("0 * * * *")
def dispatch_reports(as_of: str | None = None) -> int:
    """Enqueue the scheduled reports due this hour; the number enqueued."""
    now = parse_moment(as_of)
    due = [(tenant.id, period) for tenant in active_tenants() for period in due_periods(tenant, now)]
    for tenant_id, period in due:
        enqueue_build(tenant_id, period, deliver=True)
    return len(due)
