"""`flask demo load --background` (`make run`): the quick part at once, the graded history from the worker.

The pages say the history is loading until it is there; the job (or `flask demo history`)
finishes it after a crash without doing anything twice, and `flask start` enqueues it again
when Redis lost it.
"""

from __future__ import annotations

import itertools
import re
from types import SimpleNamespace

import pytest
from rq.job import Job, JobStatus
from sqlalchemy import func, select

from tests.integration.job_helpers import run_jobs
from vendor_qa import clock, periods
from vendor_qa.auth.models import User
from vendor_qa.calls.models import Call
from vendor_qa.demo import background
from vendor_qa.demo.content import manager_email
from vendor_qa.demo.people import DEMO_PASSWORD
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import UNCOUNTED_REASONS, Assignment, Evaluation
from vendor_qa.jobs import queue
from vendor_qa.redis_store import get_redis
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants

SMALL = ["--weeks", "2", "--calls-per-week", "4", "--agents-per-tenant", "2"]  # one past week
HISTORY = ["--weeks", "3", "--calls-per-week", "10", "--agents-per-tenant", "3"]  # two past weeks
LOADING = "The demo is still loading its graded history (week {} of {}); figures will fill in."


def load(runner, *args: str):
    result = runner.invoke(args=["demo", "load", *args])
    assert result.exit_code == 0, result.output
    return result




def job_status(app) -> JobStatus:
    with app.app_context():
        return Job.fetch(background.JOB_ID, connection=get_redis(app)).get_status()


def page(client, url: str = "/login") -> str:
    return " ".join(client.get(url).get_data(as_text=True).split())


def snapshot(app) -> dict:
    """What the history made, by ids that do not depend on the database's sequences."""
    with app.app_context(), all_tenants("test: demo history snapshot"):
        counts = db.session.execute(
            select(Tenant.slug, Assignment.week, Assignment.reason, Assignment.status, func.count())
            .join(Tenant, Tenant.id == Assignment.tenant_id)
            .group_by(Tenant.slug, Assignment.week, Assignment.reason, Assignment.status)).tuples().all()
        # A double grade's answers lean with its grader, whom the hand-out chooses: its totals are left out.
        # So are the times of grading: they follow the grader's pace, and on PostgreSQL the hand-out may
        # give a call to another grader than on a first run.
        graded = db.session.execute(
            select(Call.external_id, Assignment.reason, Evaluation.total)
            .join(Assignment, Assignment.id == Evaluation.assignment_id).join(Call, Call.id == Evaluation.call_id)
            .where(Evaluation.status == "submitted", Assignment.reason.not_in(UNCOUNTED_REASONS))
            .order_by(Call.external_id, Assignment.reason)).tuples().all()
        closed = db.session.execute(select(Tenant.slug, SlaWeekTenant.week, SlaWeekTenant.agents_met)
                                    .join(Tenant, Tenant.id == SlaWeekTenant.tenant_id)
                                    .order_by(Tenant.slug, SlaWeekTenant.week)).tuples().all()
    return {"assignments": sorted(counts), "evaluations": graded, "closed": closed}


def db_is_sqlite(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "sqlite"


def empty_the_database(app) -> None:
    with app.app_context():
        db.session.execute(Tenant.__table__.delete())
        db.session.execute(User.__table__.delete())
        db.session.commit()


def test_the_quick_load_leaves_the_history_to_the_worker_and_pages_say_so(app, runner, login):
    output = load(runner, "--background", *SMALL).output
    assert "loads in the background" in output
    with app.app_context(), all_tenants("test: quick load"):
        assert db.session.scalar(select(func.count(Call.id))) > 0
        assert db.session.scalar(select(func.count(Assignment.id))) == 0
        assert db.session.scalar(select(func.count(SlaWeekTenant.id))) == 0
    assert job_status(app) == JobStatus.QUEUED
    client = login(SimpleNamespace(email=manager_email("nordlys")), password=DEMO_PASSWORD)
    assert LOADING.format(1, 2) in page(client, "/t/nordlys/dashboard")
    client.post("/logout")
    assert LOADING.format(1, 2) in page(client)  # before logging in too


def test_the_worker_loads_the_history_and_the_notice_goes(app, runner, login):
    load(runner, "--background", *SMALL)
    run_jobs(app)
    assert job_status(app) == JobStatus.FINISHED
    with app.app_context():
        assert background.pending() == []
        tenants = db.session.scalars(select(Tenant)).all()
        assert all("demo_history" not in t.settings for t in tenants)
        with all_tenants("test: history loaded"):
            closed = db.session.scalar(select(func.count(SlaWeekTenant.id)))
            held_now = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.status == "assigned"))
    assert closed == len(tenants) and held_now > 0
    last_week = periods.previous_week(periods.week_of(clock.now(), "Europe/Oslo"))
    client = login(SimpleNamespace(email=manager_email("nordlys")), password=DEMO_PASSWORD)
    dashboard = client.get(f"/t/nordlys/dashboard?view=week&week={last_week}").get_data(as_text=True)
    assert 'id="demo-loading"' not in dashboard
    assert re.search(r'data-figure="evaluations"><div class="value">[1-9]', dashboard)  # last week's figures


def test_a_history_cut_short_is_finished_by_a_rerun_without_doubling(app, runner, monkeypatch):
    load(runner, *HISTORY)
    at_once = snapshot(app)
    empty_the_database(app)
    load(runner, "--background", *HISTORY)
    submitted, real_submit = itertools.count(), evaluations.submit

    def crash_on_the_100th(*args, **kwargs):
        if next(submitted) == 100:  # in the second week (of about 75 submissions each), its form open
            raise RuntimeError("the worker was stopped")
        return real_submit(*args, **kwargs)

    monkeypatch.setattr(evaluations, "submit", crash_on_the_100th)
    run_jobs(app)
    assert job_status(app) == JobStatus.SCHEDULED  # its retry waits: still loading
    with app.app_context():
        assert background.loading_notice() == background.Progress(week=2, of=3, running=True)
    monkeypatch.undo()

    result = runner.invoke(args=["demo", "history"])
    assert result.exit_code == 0, result.output
    resumed = snapshot(app)
    assert resumed["closed"] == at_once["closed"]  # every past week graded and closed, none twice
    graded = [(call, reason) for call, reason, _ in resumed["evaluations"]]
    assert len(graded) == len(set(graded))  # no call graded twice for one reason
    if db_is_sqlite(app):
        # On PostgreSQL the hand-out may give a call to another grader than the first run did, and
        # with that grader's pace and leanings other work gets done: only the invariants above hold.
        assert resumed == at_once
    again = runner.invoke(args=["demo", "history"])
    assert "No demo history is waiting" in again.output and snapshot(app) == resumed


def test_a_start_after_redis_lost_the_job_enqueues_it_again_once(app, runner, client):
    load(runner, "--background", *SMALL)
    with app.app_context():
        Job.fetch(background.JOB_ID, connection=get_redis(app)).delete()
    assert "stopped loading at week 1 of 2" in page(client)  # the pages do not pretend it loads
    with app.app_context():
        assert background.resume_history() == background.Progress(week=1, of=2, running=True)
        background.resume_history()  # a second start while the job waits
        assert queue().count == 1
    assert LOADING.format(1, 2) in page(client)
    run_jobs(app)
    assert 'id="demo-loading"' not in page(client)


@pytest.mark.parametrize("background_flag", [[], ["--background"]])
def test_a_demo_without_past_weeks_only_plans_the_current_one(app, runner, background_flag):
    load(runner, *background_flag, "--weeks", "1", "--calls-per-week", "3", "--agents-per-tenant", "2")
    run_jobs(app)
    with app.app_context(), all_tenants("test: no history"):
        assert background.pending() == []
        assert db.session.scalar(select(func.count(SlaWeekTenant.id))) == 0
        assert db.session.scalar(select(func.count(Assignment.id))) > 0


class _Exited:
    """A worker or scheduler process that has stopped already."""

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


def test_make_runs_start_loads_the_quick_part_once_and_leaves_the_history_to_its_worker(app, runner, monkeypatch):
    from vendor_qa import devserver

    monkeypatch.setattr(devserver, "_spawn", lambda role, env: _Exited())
    monkeypatch.setattr(devserver, "run_simple", lambda *args, **kwargs: None)
    monkeypatch.setattr(devserver.signal, "signal", lambda *args: None)  # pytest keeps its own SIGTERM handling
    first = runner.invoke(args=["start", "--demo"])
    assert first.exit_code == 0, first.output
    assert "loads in the background" in first.output and "(week 1 of 4)" in first.output
    second = runner.invoke(args=["start", "--demo"])
    assert second.exit_code == 0, second.output
    assert "Demo data loaded" not in second.output and "(week 1 of 4)" in second.output
    with app.app_context():
        assert queue().count == 1 and job_status(app) == JobStatus.QUEUED
