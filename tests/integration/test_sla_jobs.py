"""The SLA jobs run by a real RQ worker from Redis, the ingest hook, the schedule and the CLI."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from rq.job import Job, JobStatus
from sqlalchemy import select

from tests.integration import sla_helpers as sla
from tests.integration.job_helpers import run_jobs
from vendor_qa import clock, periods
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.jobs import CRON_JOBS, build_scheduler, queue
from vendor_qa.redis_store import get_redis
from vendor_qa.sla import jobs
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.tenants.scoping import tenant_scope


def _reasons(tenant) -> list[str]:
    with tenant_scope(tenant.id):
        return sorted(db.session.scalars(select(Assignment.reason)))


def test_a_worker_plans_tracks_and_closes_from_redis(app, build):
    tenant = sla.sla_tenant(build)
    build.grader(tenant)
    sla.add_calls(tenant, build.agent(tenant), [(60, None)] * 5 + [(600, None)] * 5 + [(600, 2)])
    _, end = periods.week_bounds(sla.WEEK, tenant.timezone)
    after = (end + timedelta(hours=1)).isoformat()
    with app.app_context():
        jobs.enqueue_plan(tenant.id, sla.WEEK, sla.at(tenant, day=7).isoformat())
        jobs.enqueue_plan(tenant.id, sla.WEEK, sla.at(tenant, day=7).isoformat())  # the same unit of work
        jobs.enqueue_track(tenant.id, sla.at(tenant, day=7).isoformat())
        jobs.enqueue_close(tenant.id, sla.WEEK, after)
        db.session.commit()  # the outbox hands the jobs to RQ after the commit
        plan, track, close = (Job.fetch(job_id, connection=get_redis(app)) for job_id in
                              (f"plan-{tenant.id}-{sla.WEEK}", f"track-{tenant.id}", f"close-{tenant.id}-{sla.WEEK}"))
        assert len(queue()) == 3

    run_jobs(app)

    assert [j.get_status(refresh=True) for j in (plan, track, close)] == [JobStatus.FINISHED] * 3
    assert plan.return_value()["samples"] == 5 and plan.return_value()["low_rating"] == 1
    with app.app_context():
        jobs.enqueue_plan(tenant.id, sla.WEEK, sla.at(tenant, day=7).isoformat())
        db.session.commit()
    run_jobs(app)
    assert plan.return_value(refresh=True)["samples"] == 0  # planned again: nothing more
    assert _reasons(tenant) == ["low_rating"] + ["sample"] * 5
    assert close.return_value() is True
    assert plan.args == (tenant.id, sla.WEEK, sla.at(tenant, day=7).isoformat())  # ids and strings only
    assert plan.retries_left == 3 and plan.timeout == jobs.PLAN_TIMEOUT


def test_ingested_low_ratings_get_priority_reviews_from_the_worker(app, build, client):
    tenant = sla.sla_tenant(build)
    token = build.token(tenant)
    now = clock.now()
    calls = [{"external_id": f"api-{i}", "agent_external_id": "a-1", "started_at": now.isoformat(),
              "duration_seconds": 200, "customer_rating": rating} for i, rating in enumerate([1, 2, 3, 5, None])]
    response = client.post("/api/v1/calls", json={"calls": calls}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200

    run_jobs(app)
    run_jobs(app)  # nothing new the second time round

    with tenant_scope(tenant.id):
        rows = db.session.execute(select(Assignment.reason, Assignment.due_at)).all()
    assert [reason for reason, _ in rows] == ["low_rating", "low_rating"]
    assert all(timedelta(hours=23) < due - now < timedelta(hours=25) for _, due in rows)
    with tenant_scope(tenant.id):
        assert jobs.create_priority_reviews(tenant.id, [1, 2, 3, 4, 5]) == 0  # idempotent


def test_the_schedule_is_registered_in_code(app):
    names = {func.__name__: (expression, every) for func, expression, every, _ in CRON_JOBS}
    assert names["dispatch_hourly"] == ("30 * * * *", None)
    assert names["dispatch_tracking"] == (None, 15 * 60)
    build_scheduler(app)  # RQ accepts every registration


def test_the_hourly_dispatch_plans_tenants_at_their_local_midnight_and_closes_past_weeks(app, build):
    auckland = build.tenant(timezone="Pacific/Auckland")
    los_angeles = build.tenant(timezone="America/Los_Angeles")
    moment = datetime(2026, 11, 22, 11, 30, tzinfo=timezone.utc)  # 00:30 Monday in Auckland
    with app.app_context():
        assert [t.id for t in jobs.tenants_to_plan(moment)] == [auckland.id]
        due = {(t.id, week) for t, week in jobs.weeks_to_close(moment)}
        assert due == {(auckland.id, "2026-W47"), (los_angeles.id, "2026-W46")}
        with tenant_scope(auckland.id):
            db.session.add(SlaWeekTenant(tenant_id=auckland.id, week="2026-W47", agents_in_scope=0, agents_met=0,
                                         agents_insufficient=0, compliance_target_percent=95, priority_reviews=0,
                                         priority_on_time=0))
            db.session.commit()
        assert {t.id for t, _ in jobs.weeks_to_close(moment)} == {los_angeles.id}
        jobs.dispatch_tracking()
        assert len(queue()) == 2


def test_cli_plan_status_and_close(app, build, runner):
    tenant = sla.sla_tenant(build, slug="acme-sla")
    agent = build.agent(tenant)
    sla.add_calls(tenant, agent, [(60, None)] * 4 + [(600, None)] * 4)
    as_of = sla.at(tenant, day=7).isoformat()

    planned = runner.invoke(args=["sla", "plan", "--tenant", "acme-sla", "--week", sla.WEEK, "--as-of", as_of])
    assert planned.exit_code == 0, planned.output
    assert "6 sample(s)" in planned.output

    status = runner.invoke(args=["sla", "status", "--tenant", "acme-sla", "--week", sla.WEEK, "--as-of", as_of,
                                 "--json"])
    assert status.exit_code == 0, status.output
    data = json.loads(status.output)
    assert data["agents"][0]["agent_id"] == agent.id
    assert {k: data["agents"][0][k] for k in ("required", "assigned", "completed", "status")} == \
        {"required": 4, "assigned": 6, "completed": 0, "status": "on_track"}
    assert data["totals"]["agents"] == 1

    tracked = runner.invoke(args=["sla", "track", "--tenant", "acme-sla", "--as-of", as_of])
    assert tracked.exit_code == 0, tracked.output

    bad = runner.invoke(args=["sla", "plan", "--tenant", "acme-sla", "--week", "2026-W99"])
    assert bad.exit_code != 0 and "not 99" in bad.output
    early = runner.invoke(args=["sla", "close", "--tenant", "acme-sla", "--week", sla.WEEK, "--as-of", as_of])
    assert early.exit_code != 0 and "runs until" in early.output
    closed = runner.invoke(args=["sla", "close", "--tenant", "acme-sla", "--week", sla.WEEK,
                                 "--as-of", "2026-12-01T00:00:00+00:00"])
    assert closed.exit_code == 0 and "closed" in closed.output
