"""The outbox and the sweeper: work is stored with its job, reaches RQ when Redis can take it, and
work whose job was lost or whose worker died is run again, once."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
import redis
from rq.executions import Execution
from rq.job import Job, JobStatus
from sqlalchemy import func, select, update

from tests.integration import report_data
from tests.integration import sla_helpers as sla
from tests.integration.job_helpers import run_jobs
from tests.integration.test_csv_import import (
    HEADER,
    call_count,
    csv_rows,
    imports_of,
    upload,
)
from vendor_qa import clock
from vendor_qa.calls.models import CallImport
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.jobs import queue
from vendor_qa.redis_store import get_redis
from vendor_qa.reports.models import Report
from vendor_qa.sla import jobs as sla_jobs
from vendor_qa.tenants.scoping import all_tenants, tenant_scope
from vendor_qa.work import outbox, sweeper
from vendor_qa.work.models import OutboxEntry

_REDIS_KEY = "vendor_qa.redis"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_down(app):
    """The app's Redis is a real client of a port where no server listens, until `back()`."""
    working = app.extensions[_REDIS_KEY]
    app.extensions[_REDIS_KEY] = redis.Redis(port=_closed_port(), socket_connect_timeout=1)

    class Outage:
        @staticmethod
        def back() -> None:
            app.extensions[_REDIS_KEY] = working

    yield Outage
    app.extensions[_REDIS_KEY] = working


def _pending(app) -> list[OutboxEntry]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxEntry).where(OutboxEntry.relayed_at.is_(None))))


def _relay(app) -> int:
    with app.app_context():
        return outbox.relay()


def _sweep(app) -> int:
    with app.app_context():
        return sweeper.sweep()


def _later(time_machine, minutes: int = 2) -> None:
    time_machine.move_to(clock.now() + timedelta(minutes=minutes), tick=True)


def _low_rated_call(n: int) -> dict:
    return {"external_id": f"call-{n}", "agent_external_id": "a-1", "started_at": clock.now().isoformat(),
            "duration_seconds": 300, "customer_rating": 1}


# --- Redis down: stored now, run later ------------------------------------------------------------

def test_an_api_batch_while_redis_is_down_is_stored_and_its_priority_reviews_follow(app, build, client,
                                                                                     redis_down):
    tenant = sla.sla_tenant(build)
    token = build.token(tenant)
    response = client.post("/api/v1/calls", json={"calls": [_low_rated_call(n) for n in range(3)]},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["created"] == 3
    [entry] = _pending(app)
    assert entry.func.endswith("create_priority_reviews") and entry.attempts == 1 and entry.last_error

    redis_down.back()
    assert _relay(app) == 1
    run_jobs(app)
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.reason == "low_rating")) == 3
    assert _pending(app) == []


def test_an_upload_while_redis_is_down_is_imported_once_it_is_back(app, client, build, login, redis_down):
    tenant = build.tenant()
    login(build.manager(tenant))
    assert upload(client, tenant, HEADER + csv_rows(4)).status_code == 302
    [row] = imports_of(tenant)
    page = client.get(f"/t/{tenant.slug}/imports/{row.id}").get_data(as_text=True)
    assert "safely queued" in page and "Waiting for a worker" in page

    redis_down.back()
    _relay(app)
    run_jobs(app)
    db.session.expire_all()
    [row] = imports_of(tenant)
    assert (row.status, row.created_count) == ("done", 4) and call_count(tenant) == 4
    with tenant_scope(tenant.id):  # the uploaded text is not kept once imported
        assert db.session.scalar(select(CallImport.content).where(CallImport.id == row.id)) is None


def test_build_now_while_redis_is_down_builds_once_it_is_back(app, build, login, redis_down):
    world = report_data.october(build)
    client = login(world.tenant_manager)
    response = client.post(f"/t/{world.tenant.slug}/reports", data={"period": "2026-10"})
    assert response.status_code == 302
    redis_down.back()
    _relay(app)
    run_jobs(app)
    with tenant_scope(world.tenant.id):
        db.session.expire_all()
        assert [r.status for r in db.session.scalars(select(Report))] == ["ready"]


# --- relaying once ------------------------------------------------------------------------------------

def test_relaying_an_entry_again_enqueues_its_job_once(app, build):
    tenant = build.tenant()
    with app.app_context():
        sla_jobs.enqueue_track(tenant.id, clock.now().isoformat())
        db.session.commit()  # relayed right after the commit
        assert len(queue()) == 1
        # As if the relay had died after enqueueing, before it marked the entry, and its claim expired.
        db.session.execute(update(OutboxEntry).values(relayed_at=None))
        db.session.commit()
        get_redis(app).delete(*get_redis(app).keys("vendor_qa:outbox-claim:*"))
        assert outbox.relay() == 1
        assert queue().get_job_ids() == [f"track-{tenant.id}"]
        sla_jobs.enqueue_track(tenant.id, clock.now().isoformat())  # the same unit, while its job waits
        db.session.commit()
        assert len(queue()) == 1


# --- the sweeper ----------------------------------------------------------------------------------------

def test_an_import_whose_job_was_lost_is_queued_again_and_imported_once(app, client, build, login, time_machine):
    tenant = build.tenant()
    login(build.manager(tenant))
    upload(client, tenant, HEADER + csv_rows(3))
    get_redis(app).flushdb()  # Redis restarted without its data: the job is gone
    with app.app_context(), all_tenants("test"):
        db.session.execute(update(CallImport).values(status="running"))
        db.session.commit()
    assert _sweep(app) == 0  # a moment ago: its job may be on its way

    _later(time_machine)
    assert _sweep(app) == 1
    db.session.expire_all()
    assert imports_of(tenant)[0].status == "queued"
    assert _sweep(app) == 0  # its job waits now
    run_jobs(app)
    db.session.expire_all()
    assert imports_of(tenant)[0].status == "done" and call_count(tenant) == 3


def test_a_report_whose_job_was_lost_is_built(app, build, login, time_machine):
    world = report_data.october(build)
    login(world.tenant_manager).post(f"/t/{world.tenant.slug}/reports", data={"period": "2026-10"})
    get_redis(app).flushdb()
    _later(time_machine)
    assert _sweep(app) == 1
    run_jobs(app)
    with tenant_scope(world.tenant.id):
        db.session.expire_all()
        assert [r.status for r in db.session.scalars(select(Report))] == ["ready"]


def _started_by_a_dead_worker(app, job_id: str) -> None:
    """What a worker killed mid-job leaves in Redis: the job started, its worker gone."""
    connection = get_redis(app)
    job = Job.fetch(job_id, connection=connection)
    with app.app_context():
        queue().remove(job)
    with connection.pipeline() as pipeline:
        job.prepare_for_execution("killed-worker", pipeline)
        Execution.create(job, ttl=600, pipeline=pipeline, worker_name="killed-worker")
        pipeline.execute()


def test_a_job_whose_worker_died_runs_again(app, build):
    tenant = sla.sla_tenant(build)
    build.grader(tenant)
    sla.add_calls(tenant, build.agent(tenant), [(60, None)] * 5)
    with app.app_context():
        sla_jobs.enqueue_plan(tenant.id, sla.WEEK, sla.at(tenant, day=7).isoformat())
        db.session.commit()
    job_id = f"plan-{tenant.id}-{sla.WEEK}"
    _started_by_a_dead_worker(app, job_id)

    assert _sweep(app) == 1
    assert _sweep(app) == 0  # queued again: nothing more to do
    run_jobs(app)
    assert Job.fetch(job_id, connection=get_redis(app)).get_status() == JobStatus.FINISHED
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(func.count(Assignment.id))) == 5


# --- retry buttons ----------------------------------------------------------------------------------------

def test_an_import_that_stopped_on_an_error_can_be_tried_again(app, client, build, login):
    tenant = build.tenant()
    login(build.manager(tenant))
    upload(client, tenant, HEADER + csv_rows(2))
    [row] = imports_of(tenant)
    get_redis(app).flushdb()
    with app.app_context(), all_tenants("test"):  # as the job leaves it after an unexpected error
        db.session.execute(update(CallImport).values(status="failed", errors=[
            {"row": None, "field": None, "message": "The import stopped on an unexpected error."}]))
        db.session.commit()
    page = client.get(f"/t/{tenant.slug}/imports/{row.id}").get_data(as_text=True)
    assert "unexpected error" in page and "Try the import again" in page

    response = client.post(f"/t/{tenant.slug}/imports/{row.id}/retry")
    assert response.status_code == 303
    run_jobs(app)
    db.session.expire_all()
    assert imports_of(tenant)[0].status == "done" and call_count(tenant) == 2


def test_a_file_with_bad_rows_offers_no_retry(app, client, build, login):
    tenant = build.tenant()
    login(build.manager(tenant))
    upload(client, tenant, HEADER + "c-1,a-1,yesterday,60,4,\n")
    run_jobs(app)
    [row] = imports_of(tenant)
    page = client.get(f"/t/{tenant.slug}/imports/{row.id}").get_data(as_text=True)
    assert "What to fix" in page and "Try the import again" not in page
    assert client.post(f"/t/{tenant.slug}/imports/{row.id}/retry").status_code == 303
    db.session.expire_all()
    assert imports_of(tenant)[0].status == "failed"


def test_a_failed_report_offers_to_build_it_again(app, build, login):
    world = report_data.october(build)
    client = login(world.tenant_manager)
    client.post(f"/t/{world.tenant.slug}/reports", data={"period": "2026-10"})
    with app.app_context(), all_tenants("test"):
        db.session.execute(update(Report).values(status="failed", error="the PDF could not be drawn"))
        db.session.commit()
        report_id = db.session.scalar(select(Report.id))
    page = client.get(f"/t/{world.tenant.slug}/reports/{report_id}").get_data(as_text=True)
    assert "the PDF could not be drawn" in page and "Build it again" in page
    assert 'name="period" value="2026-10"' in page
