"""SLA alerts: a row per tenant, condition and local day, and one e-mail to the vendor admins for each.

Conditions, checked by every tracking pass:
- `compliance_at_risk`: the share of counted agents met or on track is below the
  contract's compliance target;
- `priority_overdue`: priority reviews are past their due time and not evaluated;
- `capacity_short`: open work is left in the pool because no certified grader has
  free capacity.

The unique (tenant, kind, day) row makes a condition alert once a day however
often it is checked. The e-mail is claimed (emailed_at set and committed) before
it is sent and released again if sending fails, so it goes out at most once and
a failed send is retried by the next pass.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select, update

from vendor_qa import mail
from vendor_qa.auth.models import Role, User
from vendor_qa.extensions import db
from vendor_qa.sla.models import SlaAlert
from vendor_qa.sla.pool import Handout, bulk_insert
from vendor_qa.sla.settings import policy_for_week
from vendor_qa.sla.tracker import Totals, overdue_priority_counts
from vendor_qa.templating import percent
from vendor_qa.tenants.models import Tenant

LABELS = {
    "compliance_at_risk": "compliance at risk",
    "priority_overdue": "priority reviews overdue",
    "capacity_short": "grader capacity short",
    "disputes_overdue": "disputes open too long",  # raised by vendor_qa.disputes.jobs
}


def conditions(tenant: Tenant, week: str, as_of: datetime, summary: Totals, handout: Handout) -> dict[str, str]:
    """{kind: message} of the conditions that hold now."""
    found = {}
    target = policy_for_week(tenant.id, week).compliance_target
    if summary.projected is not None and summary.projected < target:
        found["compliance_at_risk"] = (
            f"{tenant.name}: {percent(summary.projected, against=target)} of agents are met or on track in {week}, "
            f"below the {percent(target, 0)} compliance target ({summary.at_risk} agent(s) at risk).")
    overdue = overdue_priority_counts({tenant.id: week}, as_of).get(tenant.id, 0)
    if overdue:
        found["priority_overdue"] = f"{tenant.name}: {overdue} priority review(s) of low-rated calls are overdue."
    if handout.left_in_pool:
        found["capacity_short"] = (f"{tenant.name}: {handout.left_in_pool} assignment(s) wait in the pool; "
                                   "no certified grader has free capacity. Certify more graders or raise capacity.")
    return found


def local_day(tenant: Tenant, moment: datetime) -> date:
    return moment.astimezone(tenant.zone).date()


def raise_alerts(tenant: Tenant, week: str, as_of: datetime, summary: Totals, handout: Handout) -> None:
    """Record today's alerts (once per kind) and e-mail the ones not sent yet; commits."""
    day = local_day(tenant, as_of)
    found = conditions(tenant, week, as_of, summary, handout)
    if found:
        bulk_insert(SlaAlert.__table__, [
            {"tenant_id": tenant.id, "kind": kind, "day": day, "message": message, "created_at": as_of}
            for kind, message in sorted(found.items())], conflict=["tenant_id", "kind", "day"])
        db.session.commit()
    send_pending(tenant, day, week, as_of)


def _recipients() -> list[str]:
    return list(db.session.scalars(select(User.email).where(User.role == Role.VENDOR_ADMIN.value,
                                                            User.active.is_(True)).order_by(User.email)))


def send_pending(tenant: Tenant, day: date, week: str, now: datetime) -> int:
    table = SlaAlert.__table__
    pending = db.session.execute(select(table.c.id, table.c.kind, table.c.message).where(
        table.c.tenant_id == tenant.id, table.c.day == day, table.c.emailed_at.is_(None))).all()
    recipients = _recipients()
    if not pending or not recipients:
        return 0
    base = current_app.config['PUBLIC_URL'].rstrip('/')
    sla_link = f"See the tenant's SLA week: {base}/sla/{tenant.slug}/{week}"
    links = {"disputes_overdue": f"See the tenant's open disputes: {base}/t/{tenant.slug}/disputes/?status=open"}
    sent = 0
    for id_, kind, message in pending:
        claimed = db.session.execute(update(table).where(table.c.id == id_, table.c.emailed_at.is_(None))
                                     .values(emailed_at=now)).rowcount
        db.session.commit()
        if not claimed:
            continue  # another pass took it
        try:
            mail.send(recipients, f"[vendor_qa] {tenant.name}: {LABELS[kind]}",
                      f"{message}\n\n{links.get(kind, sla_link)}\n")
        except Exception:
            db.session.execute(update(table).where(table.c.id == id_).values(emailed_at=None))
            db.session.commit()
            raise
        sent += 1
    return sent
