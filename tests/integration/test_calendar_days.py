"""The calendar's hard days as the users see them (tests/calendar_days.py, one run per day).

At each instant: the SLA week a vendor admin is sent to, its plan paced by the day of the
week, the due times of its work, the tracker's open week and the close of the last one, the
scheduled reports the dispatcher owes (catch-up included), and the dashboard's period.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.integration import sla_helpers as sla
from tests.integration.job_helpers import run_jobs
from vendor_qa import clock, periods
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.reports import jobs as report_jobs
from vendor_qa.reports.models import Report
from vendor_qa.sla import jobs as sla_jobs
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.tenants.scoping import tenant_scope

# The documented goal by the end of day d with the default target of 6 (docs/sla.md): 1,2,3,4,5,6,6.
GOAL_BY_WEEKDAY = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 6}
ORDINARY_CALLS = 12


def _tenant(build, day):
    tenant = sla.sla_tenant(build, zone=day.zone, slug="hard-day")
    tenant.created_at = clock.now() - timedelta(days=120)  # old enough to be owed the catch-up window
    db.session.commit()
    return tenant




def _local(moment, day) -> str:
    return moment.astimezone(periods.zone_of(day.zone)).strftime("%Y-%m-%d %H:%M")


def test_the_week_is_the_local_one_planned_at_the_days_pace_with_its_due_times(hard_day, app, build, client,
                                                                                login):
    tenant = _tenant(build, hard_day)
    build.grader(tenant)
    agent = build.agent(tenant, display_name="Ada Agent")
    now = clock.now()
    start, _ = periods.week_bounds(hard_day.week, hard_day.zone)
    assert _local(start, hard_day).endswith("00:00") and start.astimezone(periods.zone_of(hard_day.zone)).isoweekday() == 1
    step = (now - timedelta(minutes=2) - start) / ORDINARY_CALLS
    ordinary = [build.call(agent, started_at=start + step * i, duration_seconds=60 + 120 * (i % 2),
                           customer_rating=None) for i in range(ORDINARY_CALLS)]
    last_weeks = build.call(agent, started_at=start - timedelta(hours=1), customer_rating=None)
    token = build.token(tenant)
    low_started = now - timedelta(minutes=1)
    body = {"calls": [{"external_id": "low-1", "agent_external_id": agent.external_id, "started_at":
                       low_started.isoformat(), "duration_seconds": 300, "channel": "phone", "customer_rating": 1}]}
    assert client.post("/api/v1/calls", json=body, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    run_jobs(app)  # the ingest's priority review
    ingested_at = clock.now()

    with tenant_scope(tenant.id):
        sla_jobs.plan_tenant_week(tenant.id, hard_day.week, now.isoformat())
        work = db.session.scalars(select(Assignment).where(Assignment.tenant_id == tenant.id)).all()
    assert {a.week for a in work} == {hard_day.week}
    assert last_weeks.id not in {a.call_id for a in work}
    low = [a for a in work if a.reason == "low_rating"]
    samples = [a for a in work if a.reason == "sample"]
    assert len(low) == 1 and low_started <= ingested_at
    assert now + timedelta(hours=24) <= low[0].due_at <= ingested_at + timedelta(hours=24)
    assert all(a.due_at == now + timedelta(hours=72) for a in samples)
    assert {a.call_id for a in samples} <= {c.id for c in ordinary}
    assert len(work) == GOAL_BY_WEEKDAY[hard_day.weekday]

    admin = login(build.admin())
    assert admin.get(f"/sla/{tenant.slug}/").headers["Location"].endswith(f"/sla/{tenant.slug}/{hard_day.week}")
    page = admin.get(f"/sla/{tenant.slug}/{hard_day.week}").get_data(as_text=True)
    assert f"week {hard_day.week}" in page and "Ada Agent" in page
    assert f"due {_local(low[0].due_at, hard_day)}" in page  # due times in the tenant's own clock
    assert all(f"due {_local(a.due_at, hard_day)}" in page for a in samples)
    assert f"← {hard_day.last_week}" in page


def test_the_tracker_keeps_the_week_open_and_closes_the_last_one(hard_day, app, build, login):
    tenant = _tenant(build, hard_day)
    agent = build.agent(tenant, display_name="Bo Agent")
    build.call(agent, started_at=periods.week_bounds(hard_day.last_week, hard_day.zone)[0] + timedelta(hours=30))
    sla_jobs.dispatch_hourly()
    sla_jobs.dispatch_tracking()
    run_jobs(app)
    with tenant_scope(tenant.id):
        closed = set(db.session.scalars(select(SlaWeekTenant.week).where(SlaWeekTenant.tenant_id == tenant.id)))
    assert closed == {hard_day.last_week}

    manager = login(build.manager(tenant))
    current = manager.get(f"/t/{tenant.slug}/sla/").get_data(as_text=True)
    assert f"week {hard_day.week}" in current and '<span class="pill">open</span>' in current
    last = manager.get(f"/t/{tenant.slug}/sla/?week={hard_day.last_week}").get_data(as_text=True)
    assert '<span class="pill ok">closed</span>' in last and "Bo Agent" in last


def test_the_dispatcher_owes_exactly_the_due_reports_of_the_catch_up_window(hard_day, app, build, login):
    tenant = _tenant(build, hard_day)
    assert report_jobs.dispatch_reports() == len(hard_day.reports_owed)
    assert report_jobs.dispatch_reports() == 0  # a second run owes nothing more
    with tenant_scope(tenant.id):
        dispatched = set(db.session.scalars(select(Report.period).where(Report.tenant_id == tenant.id)))
    assert dispatched == hard_day.reports_owed
    archive = login(build.manager(tenant)).get(f"/t/{tenant.slug}/reports").get_data(as_text=True)
    assert all(key in archive for key in hard_day.reports_owed)


def test_the_dashboard_opens_on_the_local_month(hard_day, app, build, login):
    tenant = _tenant(build, hard_day)
    page = login(build.manager(tenant)).get(f"/t/{tenant.slug}/dashboard").get_data(as_text=True)
    heading = re.search(r'<h2 id="period-heading">([^<]+)</h2>', page)[1]
    assert heading == periods.parse_period(hard_day.month, hard_day.zone).label
    assert heading.endswith(hard_day.month[:4]) and heading.split()[0] == _month_name(hard_day.month)


def _month_name(key: str) -> str:
    return ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"][int(key[5:]) - 1]
