"""The aged-dispute alert: vendor admins hear of disputes left open too long.

Every hour (minute 20, UTC) each active tenant gets `alert_overdue_disputes`, which counts
the tenant's disputes open longer than its `dispute_alert_days` (default 3) and, when there
are any, records a `disputes_overdue` alert through the SLA alerts (vendor_qa.sla.alerts):
one row per tenant, kind and local day, shown with the other alerts and e-mailed once to
the vendor admins. Running hourly raises the alert soon after a dispute passes the age; the
unique row keeps it to once a day however often it runs.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from vendor_qa import clock, periods
from vendor_qa.disputes.models import Dispute
from vendor_qa.extensions import db
from vendor_qa.jobs import cron, tenant_job
from vendor_qa.sla import alerts
from vendor_qa.sla.jobs import active_tenants, parse_moment
from vendor_qa.sla.models import SlaAlert
from vendor_qa.sla.pool import bulk_insert
from vendor_qa.tenants.models import Tenant
from vendor_qa.work import outbox

KIND = "disputes_overdue"
JOB_TIMEOUT = 120


@tenant_job
def alert_overdue_disputes(tenant_id: int, as_of: str | None = None) -> str:
    """Record and e-mail today's alert when disputes are open past the tenant's age; what happened."""
    now = parse_moment(as_of)
    tenant = db.session.get(Tenant, tenant_id)
    days = int(tenant.setting("dispute_alert_days"))
    count, oldest = db.session.execute(select(func.count(Dispute.id), func.min(Dispute.created_at)).where(
        Dispute.status == "open", Dispute.created_at < now - timedelta(days=days))).one()
    if not count:
        return f"no dispute open longer than {days} days"
    day = alerts.local_day(tenant, now)
    message = (f"{tenant.name}: {count} dispute(s) open longer than {days} days, the oldest since "
               f"{oldest.astimezone(tenant.zone):%Y-%m-%d}. Review them on the tenant's disputes page.")
    bulk_insert(SlaAlert.__table__, [{"tenant_id": tenant.id, "kind": KIND, "day": day, "message": message,
                                      "created_at": now}], conflict=["tenant_id", "kind", "day"])
    db.session.commit()
    sent = alerts.send_pending(tenant, day, periods.week_of(now, tenant.timezone), now)
    return f"{count} dispute(s) overdue; {sent} alert e-mail(s) sent"


def enqueue_alert(tenant_id: int, as_of: str):
    """Schedule the job in the session's transaction (vendor_qa.work.outbox); the caller commits."""
    return outbox.schedule(alert_overdue_disputes, tenant_id, as_of, timeout=JOB_TIMEOUT,
                           job_id=f"dispute-alert-{tenant_id}")


@cron("20 * * * *")
def dispatch_dispute_alerts() -> None:
    stamp = clock.now().isoformat()
    for tenant in active_tenants():
        enqueue_alert(tenant.id, stamp)
    db.session.commit()
