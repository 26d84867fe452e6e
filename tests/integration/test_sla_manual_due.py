"""A vendor admin's manual assignment without a due time is due by the SLA's sample turnaround."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.integration import sla_helpers as sla
from vendor_qa import clock, periods
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.sla.policy import Policy
from vendor_qa.sla.settings import save_policy
from vendor_qa.tenants.scoping import tenant_scope


def test_a_manual_assignment_is_due_by_the_sample_turnaround_of_its_calls_week(build, login, client):
    tenant = sla.sla_tenant(build, slug="manual-due")
    agent = build.agent(tenant)
    this_week = periods.week_of(clock.now(), tenant.timezone)
    next_week = periods.next_week(this_week)
    with tenant_scope(tenant.id):
        save_policy(tenant.id, Policy(sample_turnaround_hours=30), this_week, None)
        save_policy(tenant.id, Policy(sample_turnaround_hours=100), next_week, None)
        db.session.commit()
    calls = {week: sla.add_calls(tenant, agent, [(300, None)], week=week)[0] for week in (this_week, next_week)}
    login(build.admin())

    due = {}
    for week, call_id in calls.items():
        with tenant_scope(tenant.id):
            external_id = db.session.scalar(select(Call.external_id).where(Call.id == call_id))
        before = clock.now()
        response = client.post(f"/t/{tenant.slug}/assignments/new",
                               data={"call": external_id, "priority": "50", "due": "", "note": "Client asked"})
        assert response.status_code == 302
        with tenant_scope(tenant.id):
            created = db.session.scalar(select(Assignment).where(Assignment.call_id == call_id))
        due[week] = (before, created.due_at, clock.now())

    for week, hours in ((this_week, 30), (next_week, 100)):
        before, due_at, after = due[week]
        assert before + timedelta(hours=hours) <= due_at <= after + timedelta(hours=hours)

