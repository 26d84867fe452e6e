"""Tracking: agent rows and statuses, overdue work taken back, week close, alerts, time zones."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.integration import sla_helpers as sla
from vendor_qa import periods
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment, AssignmentEvent
from vendor_qa.sla import planner, tracker
from vendor_qa.sla.models import SlaAlert, SlaWeekAgent, SlaWeekTenant
from vendor_qa.tenants.scoping import tenant_scope


def _rows(tenant, as_of, week=sla.WEEK):
    with tenant_scope(tenant.id):
        return {r.agent_id: r for r in tracker.week_rows(tenant, week, as_of)}


def test_rows_count_each_agents_work_and_give_its_status(app, build):
    tenant = sla.sla_tenant(build)
    version = sla.scorecard_for_every_channel(tenant)
    done, behind, few = build.agent(tenant), build.agent(tenant), build.agent(tenant)
    done_calls = sla.add_calls(tenant, done, [(300, None)] * 6)
    behind_calls = sla.add_calls(tenant, behind, [(300, None)] * 6)
    sla.add_calls(tenant, few, [(300, None)] * 2)
    thursday = sla.at(tenant, day=4)
    for call_id in done_calls[:4]:
        sla.assign(tenant, call_id, version, status="submitted", submitted_at=thursday)
    sla.assign(tenant, behind_calls[0], version, status="assigned", due_at=thursday - timedelta(hours=1))

    rows = _rows(tenant, thursday)

    assert (rows[done.id].required, rows[done.id].completed, rows[done.id].status) == (4, 4, "met")
    assert (rows[behind.id].assigned, rows[behind.id].overdue, rows[behind.id].status) == (1, 1, "at_risk")
    assert (rows[few.id].required, rows[few.id].status) == (2, "insufficient_volume")
    summary = tracker.totals(list(rows.values()))
    assert (summary.agents, summary.met, summary.at_risk, summary.insufficient) == (3, 1, 1, 1)
    assert summary.compliance == 0.5


def test_overdue_work_is_taken_back_once_and_handed_to_another_grader(app, build):
    tenant = sla.sla_tenant(build)
    slow, other = build.grader(tenant), build.grader(tenant)
    version = sla.scorecard_for_every_channel(tenant)
    call_id = sla.add_calls(tenant, build.agent(tenant), [(300, None)])[0]
    due = sla.at(tenant, day=3)
    assignment = sla.assign(tenant, call_id, version, reason="sample", status="assigned", grader_id=slow.id,
                            assigned_at=due - timedelta(days=2), due_at=due)
    later = due + timedelta(hours=1)

    with tenant_scope(tenant.id):
        first = tracker.track_tenant(tenant.id, later)
        second = tracker.track_tenant(tenant.id, later + timedelta(minutes=15))
        row = db.session.get(Assignment, assignment)
        actions = [(e.action, e.from_grader_id, e.to_grader_id) for e in db.session.scalars(
            select(AssignmentEvent).where(AssignmentEvent.assignment_id == assignment).order_by(AssignmentEvent.id))]

    assert first.taken_back == 1 and second.taken_back == 0
    assert row.grader_id == other.id and row.status == "assigned"
    assert actions == [("expired", slow.id, None), ("assigned", None, other.id)]


def test_a_closed_week_is_kept_and_never_changes(app, build):
    tenant = sla.sla_tenant(build)
    version = sla.scorecard_for_every_channel(tenant)
    agent = build.agent(tenant)
    calls = sla.add_calls(tenant, agent, [(300, None)] * 6 + [(300, 1)])
    for call_id in calls[:4]:
        sla.assign(tenant, call_id, version, status="submitted", submitted_at=sla.at(tenant, day=5))
    low = sla.assign(tenant, calls[6], version, reason="low_rating", status="submitted",
                     due_at=sla.at(tenant, day=5), submitted_at=sla.at(tenant, day=4))
    _, end = periods.week_bounds(sla.WEEK, tenant.timezone)

    with tenant_scope(tenant.id):
        with pytest.raises(ValueError, match="runs until"):
            tracker.close_week(tenant.id, sla.WEEK, end - timedelta(minutes=1))
        assert tracker.close_week(tenant.id, sla.WEEK, end + timedelta(hours=1)) is True
        assert tracker.close_week(tenant.id, sla.WEEK, end + timedelta(hours=2)) is False
        db.session.get(Assignment, low).status = "cancelled"  # a later change...
        db.session.commit()
        record = db.session.scalar(select(SlaWeekTenant))
        agent_record = db.session.scalar(select(SlaWeekAgent))
        planned = planner.plan_week(tenant.id, sla.WEEK, end + timedelta(hours=3))

    rows = _rows(tenant, end + timedelta(days=3))
    assert rows[agent.id].status == "met" and rows[agent.id].completed == 5  # ...does not reach the record
    assert (record.agents_in_scope, record.agents_met, float(record.compliance_percent)) == (1, 1, 100.0)
    assert (record.priority_reviews, record.priority_on_time, float(record.priority_met_percent)) == (1, 1, 100.0)
    assert (agent_record.calls, agent_record.required, agent_record.status) == (7, 4, "met")
    assert planned.note == "the week is closed"


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
def test_the_week_is_the_tenants_local_week(app, build, zone):
    tenant = sla.sla_tenant(build, zone=zone)
    agent = build.agent(tenant)
    start, end = periods.week_bounds(sla.WEEK, zone)
    inside = [start, start + timedelta(minutes=30), end - timedelta(minutes=1)]
    outside = [start - timedelta(minutes=1), end]
    ids = {}
    for moment in inside + outside:
        with tenant_scope(tenant.id):
            call = planner.Call(tenant_id=tenant.id, agent_id=agent.id, external_id=f"tz-{moment.isoformat()}",
                                started_at=moment, duration_seconds=300, customer_rating=1, channel="phone")
            db.session.add(call)
            db.session.commit()
            ids[moment] = call.id

    with tenant_scope(tenant.id):
        planner.plan_week(tenant.id, sla.WEEK, end + timedelta(hours=1))

    assert {call_id for call_id, _ in sla.assignments(tenant)} == {ids[m] for m in inside}
    assert start.astimezone(tenant.zone).strftime("%a %H:%M") == "Mon 00:00"
    assert _rows(tenant, end)[agent.id].calls == 3


def test_alerts_are_raised_and_mailed_once_a_day(app, build):
    tenant = sla.sla_tenant(build)
    admin = build.admin()
    sla.add_calls(tenant, build.agent(tenant), [(300, None)] * 6 + [(300, 1)])
    thursday = sla.at(tenant, day=4)
    outbox = Path(app.config["OUTBOX_DIR"])
    before = set(outbox.glob("*.eml"))

    with tenant_scope(tenant.id):
        planner.plan_week(tenant.id, sla.WEEK, thursday - timedelta(days=2))  # no grader: all stays in the pool
        tracker.track_tenant(tenant.id, thursday)
        tracker.track_tenant(tenant.id, thursday + timedelta(minutes=15))
        kinds = set(db.session.scalars(select(SlaAlert.kind)))

    assert kinds == {"capacity_short", "priority_overdue", "compliance_at_risk"}
    mails = [message_from_bytes(p.read_bytes()) for p in set(outbox.glob("*.eml")) - before]
    assert len(mails) == 3
    assert all(admin.email in m["To"] for m in mails)
    assert any("priority reviews overdue" in m["Subject"] for m in mails)
