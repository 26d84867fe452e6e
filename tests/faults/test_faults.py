"""Faults on purpose: workers killed with SIGKILL mid-job, Redis stopped, two schedulers at once.

Each test ends with the work complete, done once, with nothing lost. A job is caught mid-run
by making it wait on a PostgreSQL lock that the test holds, so the kill lands while the job
is running, every time. What the scheduler's periodic relay-and-sweep job would do is done
here by `sweep_until`, every half second instead of every SWEEP_SECONDS.
"""

from __future__ import annotations

import contextlib
import io
import time

import pytest
import redis
from sqlalchemy import func, select, text

from tests.builders import PASSWORD
from tests.faults.conftest import kill_9, wait_for
from tests.integration import report_data
from tests.integration import sla_helpers as sla
from tests.integration.test_csv_import import HEADER, csv_rows
from vendor_qa import clock
from vendor_qa.calls.models import Call, CallImport
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.reports import jobs as report_jobs
from vendor_qa.reports.models import Report, ReportDelivery
from vendor_qa.sla import jobs as sla_jobs
from vendor_qa.tenants.scoping import tenant_scope
from vendor_qa.work import outbox, sweeper
from vendor_qa.work.scheduler import LOCK_KEY, LOCK_SECONDS, POLL_SECONDS

pytestmark = pytest.mark.postgresql

IMPORT_ROWS = 10_000
RECOVERY_SECONDS = 120  # the acceptance: a killed worker's job runs again within 2 minutes


def start_worker(processes) -> object:
    worker = processes("worker")
    deadline = time.monotonic() + 90  # imports the whole app; slow on a busy 2-core machine
    while "listening on" not in _log(worker):
        if worker.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the worker did not start ({worker.poll()}):\n{_log(worker)}")
        time.sleep(0.2)
    return worker


def _log(process) -> str:
    with open(process.log_path, encoding="utf-8", errors="replace") as log:
        return log.read()


def login(fault_app, user):
    client = fault_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def sweep_until(fault_app, done, what: str) -> None:
    """Relay and sweep as the scheduler's job does, until `done()`; within the acceptance's 2 minutes."""
    def round_() -> bool:
        with fault_app.app_context():
            sweeper.sweep()
            outbox.relay()
        return done()

    deadline = time.monotonic() + RECOVERY_SECONDS
    while time.monotonic() < deadline:
        if round_():
            return
        time.sleep(0.5)
    pytest.fail(f"not within {RECOVERY_SECONDS}s: {what}")


@contextlib.contextmanager
def holding(fault_app, statement: str, **params):
    """Hold a lock in a transaction of the test's own, so that a job waits on it mid-run."""
    with fault_app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        connection.execute(text(statement), params)
        try:
            yield
        finally:
            transaction.rollback()
            connection.close()


def a_job_waits_on_a_lock(fault_app) -> bool:
    with fault_app.app_context(), db.engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")).scalar())


def count(tenant, query) -> int:
    with tenant_scope(tenant.id):
        db.session.expire_all()
        return db.session.scalar(query)


# --- kill -9 the worker mid-job ---------------------------------------------------------------------

def test_a_worker_killed_during_an_import_leaves_no_calls_and_the_import_completes_once(
        fault_app, build, processes):
    tenant = build.tenant()
    client = login(fault_app, build.manager(tenant))
    response = client.post(f"/t/{tenant.slug}/imports/", content_type="multipart/form-data",
                           data={"file": (io.BytesIO((HEADER + csv_rows(IMPORT_ROWS)).encode()), "big.csv")})
    assert response.status_code == 302
    with tenant_scope(tenant.id):
        import_id = db.session.scalar(select(CallImport.id))

    def status() -> str:
        with tenant_scope(tenant.id):
            db.session.expire_all()
            return db.session.scalar(select(CallImport.status).where(CallImport.id == import_id))

    worker = start_worker(processes)
    wait_for(lambda: status() == "running", 30, "the import runs")
    # The job writes every call, then records its result on the import row: it waits here.
    with holding(fault_app, "SELECT id FROM call_import WHERE id = :id FOR UPDATE", id=import_id):
        wait_for(lambda: a_job_waits_on_a_lock(fault_app), 60, "the import has written its calls")
        kill_9(worker)
    assert count(tenant, select(func.count(Call.id))) == 0  # nothing half-imported
    assert status() == "running"

    start_worker(processes)
    sweep_until(fault_app, lambda: status() == "done", "the import ran again")
    assert count(tenant, select(func.count(Call.id))) == IMPORT_ROWS
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(CallImport.content).where(CallImport.id == import_id)) is None


def test_a_worker_killed_during_a_plan_plans_the_week_once(fault_app, build, processes):
    tenant = sla.sla_tenant(build)
    build.grader(tenant)
    sla.add_calls(tenant, build.agent(tenant), [(60, None)] * 5 + [(600, None)] * 5 + [(600, 2)])
    reasons = select(func.count(Assignment.id))
    with holding(fault_app, "LOCK TABLE assignment IN SHARE MODE"):
        with fault_app.app_context():
            sla_jobs.enqueue_plan(tenant.id, sla.WEEK, sla.at(tenant, day=7).isoformat())
            db.session.commit()
        worker = start_worker(processes)
        wait_for(lambda: a_job_waits_on_a_lock(fault_app), 30, "the plan runs")
        kill_9(worker)
    assert count(tenant, reasons) == 0

    start_worker(processes)
    sweep_until(fault_app, lambda: count(tenant, reasons) == 6, "the plan ran again")
    with tenant_scope(tenant.id):
        assert sorted(db.session.scalars(select(Assignment.reason))) == ["low_rating"] + ["sample"] * 5


def test_a_worker_killed_during_a_report_build_builds_it_once(fault_app, build, processes):
    world = report_data.october(build)
    client = login(fault_app, world.tenant_manager)
    assert client.post(f"/t/{world.tenant.slug}/reports", data={"period": "2026-10"}).status_code == 302
    with holding(fault_app, "LOCK TABLE report IN SHARE MODE"):
        worker = start_worker(processes)
        wait_for(lambda: a_job_waits_on_a_lock(fault_app), 30, "the build runs")
        kill_9(worker)

    def statuses() -> list[str]:
        with tenant_scope(world.tenant.id):
            db.session.expire_all()
            return list(db.session.scalars(select(Report.status)))

    start_worker(processes)
    sweep_until(fault_app, lambda: statuses() == ["ready"], "the report was built")


def test_a_worker_killed_during_a_delivery_mails_each_recipient_once(fault_app, build, processes):
    world = report_data.october(build)
    with tenant_scope(world.tenant.id):
        report_id = report_jobs.build_report(world.tenant.id, "2026-10")
    with holding(fault_app, "LOCK TABLE report_delivery IN SHARE MODE"):
        with fault_app.app_context(), tenant_scope(world.tenant.id):
            report_jobs.enqueue_delivery(world.tenant.id, report_id)
            db.session.commit()
        worker = start_worker(processes)
        wait_for(lambda: a_job_waits_on_a_lock(fault_app), 30, "the delivery runs")
        kill_9(worker)

    def deliveries() -> list[tuple[str, int]]:
        with tenant_scope(world.tenant.id):
            db.session.expire_all()
            return list(db.session.execute(select(ReportDelivery.status, ReportDelivery.attempts)).tuples())

    assert deliveries() == []
    start_worker(processes)
    sweep_until(fault_app, lambda: deliveries() and all(s == "sent" for s, _ in deliveries()),
                "the report was delivered")
    assert all(attempts == 1 for _, attempts in deliveries())  # each recipient mailed once


# --- Redis stopped ------------------------------------------------------------------------------------

def test_an_api_batch_while_redis_is_down_is_stored_and_its_priority_reviews_follow(
        fault_app, build, processes, redis_server):
    tenant = sla.sla_tenant(build)
    token = build.token(tenant)
    calls = [{"external_id": f"api-{n}", "agent_external_id": "a-1", "started_at": clock.now().isoformat(),
              "duration_seconds": 300, "customer_rating": 1} for n in range(4)]
    redis_server.stop()
    response = fault_app.test_client().post("/api/v1/calls", json={"calls": calls},
                                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["created"] == 4
    assert count(tenant, select(func.count(Call.id))) == 4

    redis_server.start()  # empty: whatever was queued before is gone
    start_worker(processes)  # a worker relays the outbox when it starts
    wait_for(lambda: count(tenant, select(func.count(Assignment.id))) == 4, 60, "the priority reviews")


def test_an_upload_while_redis_is_down_is_imported_once_it_is_back(fault_app, build, processes, redis_server):
    tenant = build.tenant()
    client = login(fault_app, build.manager(tenant))
    redis_server.stop()
    response = client.post(f"/t/{tenant.slug}/imports/", content_type="multipart/form-data",
                           data={"file": (io.BytesIO((HEADER + csv_rows(10)).encode()), "calls.csv")})
    assert response.status_code == 302
    assert "safely queued" in client.get(response.location).get_data(as_text=True)

    redis_server.start()
    start_worker(processes)
    wait_for(lambda: count(tenant, select(func.count(Call.id))) == 10, 60, "the import")


def test_build_now_while_redis_is_down_builds_once_it_is_back(fault_app, build, processes, redis_server):
    world = report_data.october(build)
    client = login(fault_app, world.tenant_manager)
    redis_server.stop()
    response = client.post(f"/t/{world.tenant.slug}/reports", data={"period": "2026-10"})
    assert response.status_code == 302
    assert "safely queued" in client.get(response.location).get_data(as_text=True)

    redis_server.start()
    start_worker(processes)
    ready = select(func.count(Report.id)).where(Report.status == "ready")
    wait_for(lambda: count(world.tenant, ready) == 1, 60, "the report")
    assert count(world.tenant, select(func.count(Report.id))) == 1


# --- two schedulers -------------------------------------------------------------------------------------

def test_two_schedulers_run_one_at_a_time_and_the_second_takes_over(fault_app, processes, redis_server):
    connection = redis.Redis(port=redis_server.port)

    def holder() -> str | None:
        try:
            value = connection.get(LOCK_KEY)
        except redis.ConnectionError:
            return None
        return value.decode() if value else None

    first = processes("scheduler")
    holding_name = wait_for(holder, 30, "a scheduler holds the lock")
    second = processes("scheduler")
    time.sleep(POLL_SECONDS + 1)
    assert holder() == holding_name  # the second waits
    assert connection.llen("rq:queue:vendor_qa") == 2  # the tracking dispatch and the relay-and-sweep, by one scheduler only

    owner, other = (first, second) if str(first.pid) in holding_name else (second, first)
    kill_9(owner)
    started = time.monotonic()
    taken = wait_for(lambda: holder() not in (None, holding_name) and holder(), 60, "the other takes over")
    assert str(other.pid) in taken and time.monotonic() - started < LOCK_SECONDS + POLL_SECONDS + 5

    redis_server.stop()  # the scheduler rides out an outage and holds the lock again after it
    time.sleep(POLL_SECONDS)
    redis_server.start()
    wait_for(lambda: holder() == taken, 30, "the scheduler is back on the lock")
    assert other.poll() is None
