"""The report archive pages, "build now" with its progress, recipients, the CLI and the schedule."""

from __future__ import annotations

import email
from datetime import datetime, timezone
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration import report_data
from tests.integration.test_reports_build import pdf_text
from vendor_qa.extensions import db
from vendor_qa.jobs import queue
from vendor_qa.reports import jobs
from vendor_qa.reports.models import Report
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenant_scope

HTMX_STATUS = {"HX-Request": "true", "HX-Target": "report-status"}


@pytest.fixture
def world(build):
    return report_data.october(build)


def _reports(tenant) -> list[Report]:
    with tenant_scope(tenant.id):
        db.session.expire_all()
        return list(db.session.scalars(select(Report).order_by(Report.id)))


def test_build_now_enqueues_shows_progress_then_the_report(world, login):
    client = login(world.tenant_manager)
    base = f"/t/{world.tenant.slug}/reports"
    response = client.post(base, data={"period": "2026-10"})
    [report] = _reports(world.tenant)
    assert response.status_code == 302 and response.location.endswith(f"{base}/{report.id}")
    assert report.status == "queued" and not report.scheduled
    [job] = queue().get_jobs()
    assert job.func_name == "vendor_qa.reports.jobs.build_report" and job.args == (world.tenant.id, "2026-10", report.id,
                                                                                     False)

    page = client.get(f"{base}/{report.id}").get_data(as_text=True)
    assert "queued" in page and 'hx-trigger="every 2s"' in page
    assert "HX-Refresh" not in client.get(f"{base}/{report.id}", headers=HTMX_STATUS).headers

    jobs.build_report(*job.args)
    fragment = client.get(f"{base}/{report.id}", headers=HTMX_STATUS)
    assert fragment.headers["HX-Refresh"] == "true" and "ready" in fragment.get_data(as_text=True)
    page = client.get(f"{base}/{report.id}").get_data(as_text=True)
    assert "October 2026" in page and "<svg" in page and 'data-figure="evaluations"><div class="value">9<' in page
    pdf = client.get(f"{base}/{report.id}/report.pdf")
    assert pdf.mimetype == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    assert "Quality report" in pdf_text(pdf.data)
    agents = client.get(f"{base}/{report.id}/agents.csv")
    assert agents.mimetype == "text/csv" and agents.get_data(as_text=True).startswith("agent_code,agent_name")
    assert client.get(f"{base}/{report.id}/other.csv").status_code == 404


def test_a_bad_period_is_refused_and_nothing_is_saved(world, login):
    client = login(world.tenant_manager)
    response = client.post(f"/t/{world.tenant.slug}/reports", data={"period": "2026-W60"})
    assert response.status_code == 400 and "has no ISO week 60" in response.get_data(as_text=True)
    assert _reports(world.tenant) == [] and queue().count == 0


def test_downloads_of_a_report_not_built_yet_are_not_found(world, login):
    client = login(world.tenant_manager)
    client.post(f"/t/{world.tenant.slug}/reports", data={"period": "2026-10"})
    [report] = _reports(world.tenant)
    assert client.get(f"/t/{world.tenant.slug}/reports/{report.id}/report.pdf").status_code == 404
    assert client.get(f"/t/{world.tenant.slug}/reports/{report.id}/evaluations.csv").status_code == 404


def test_the_archive_lists_reports_with_status_and_pages(world, login):
    with tenant_scope(world.tenant.id):
        db.session.add_all(Report(tenant_id=world.tenant.id, kind="custom", period=f"2026-10-{day:02d}..2026-10-{day:02d}",
                                  status="failed") for day in range(1, 24))
        db.session.commit()
    jobs.build_report(world.tenant.id, "2026-10")
    client = login(world.tenant_manager)
    first = client.get(f"/t/{world.tenant.slug}/reports").get_data(as_text=True)
    assert "2026-10<" in first and "ready" in first and "Page 1 of 2" in first and "not sent" in first
    second = client.get(f"/t/{world.tenant.slug}/reports?page=2").get_data(as_text=True)
    assert "2026-10-01..2026-10-01" in second and "failed" in second


def test_a_vendor_admin_edits_the_recipients(world, build, login):
    client = login(build.admin())
    url = f"/t/{world.tenant.slug}/reports/recipients"
    assert world.tenant_manager.email in client.get(url).get_data(as_text=True)  # the default
    bad = client.post(url, data={"recipients": "boss@client.example\nnot an address"})
    assert bad.status_code == 400 and "not an address" in bad.get_data(as_text=True)
    assert client.post(url, data={"recipients": "Boss@Client.example\n\nqa@client.example\nqa@client.example"}
                       ).status_code == 302
    db.session.expire_all()
    assert db.session.get(Tenant, world.tenant.id).setting("report_recipients") == ["boss@client.example",
                                                                                    "qa@client.example"]


def test_the_cli_builds_once_and_delivers_to_the_outbox(world, app, runner):
    result = runner.invoke(args=["reports", "build", "--tenant", world.tenant.slug, "--period", "2026-10", "--deliver"])
    assert result.exit_code == 0, result.output
    assert "ready" in result.output and "1 sent" in result.output
    again = runner.invoke(args=["reports", "build", "--tenant", world.tenant.slug, "--period", "2026-10", "--deliver"])
    assert again.exit_code == 0 and "0 sent" in again.output
    outbox = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
              for p in Path(app.config["OUTBOX_DIR"]).glob("*.eml")]
    mine = [m for m in outbox if m["To"] == world.tenant_manager.email]
    assert len(mine) == 1 and any(p.get_content_type() == "application/pdf" for p in mine[0].iter_attachments())
    assert len(_reports(world.tenant)) == 1


def test_the_cli_explains_bad_input(world, runner):
    bad = runner.invoke(args=["reports", "build", "--tenant", world.tenant.slug, "--period", "November"])
    assert bad.exit_code == 2 and "is not a period" in bad.output
    unknown = runner.invoke(args=["reports", "build", "--tenant", "nobody", "--period", "2026-10"])
    assert unknown.exit_code == 2 and "no tenant" in unknown.output


LONG_AGO = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("moment, week, month", [
    ("2026-11-23T05:10:00+00:00", "2026-W47", "2026-10"),  # Monday 06:10 in Oslo: last week is due
    ("2026-11-23T04:50:00+00:00", "2026-W46", "2026-10"),  # 05:50: not yet
    ("2026-12-01T05:00:00+00:00", "2026-W48", "2026-11"),  # the 1st, a Tuesday, 06:00
    ("2026-06-01T04:30:00+00:00", "2026-W22", "2026-05"),  # Monday the 1st, summer time
    ("2026-11-24T05:10:00+00:00", "2026-W47", "2026-10"),  # Tuesday: still due (caught up if missed)
])
def test_reports_are_due_monday_and_the_first_at_six_tenant_time(build, moment, week, month):
    tenant = build.tenant(timezone="Europe/Oslo", created_at=LONG_AGO)
    due = jobs.due_periods(tenant, datetime.fromisoformat(moment))
    weeks, months = [p for p in due if "W" in p], [p for p in due if "W" not in p]
    assert weeks[-1] == week and len(weeks) <= jobs.CATCH_UP_WEEKS
    assert months[-1] == month and len(months) == jobs.CATCH_UP_MONTHS


def test_the_window_and_the_tenants_start_bound_what_is_owed(build):
    old = build.tenant(timezone="Europe/Oslo", created_at=LONG_AGO)
    new = build.tenant(timezone="Europe/Oslo", created_at=datetime(2026, 11, 10, 12, tzinfo=timezone.utc))
    monday = datetime(2026, 11, 23, 5, 10, tzinfo=timezone.utc)
    assert jobs.due_periods(old, monday) == ["2026-09", "2026-10", "2026-W44", "2026-W45", "2026-W46", "2026-W47"]
    assert jobs.due_periods(new, monday) == ["2026-W46", "2026-W47"]  # nothing from before it existed


def test_the_hourly_dispatcher_catches_up_missed_runs_once(build):
    oslo = build.tenant(timezone="Europe/Oslo", created_at=LONG_AGO)
    tokyo = build.tenant(timezone="Asia/Tokyo", created_at=datetime(2026, 11, 16, tzinfo=timezone.utc))
    build.tenant(timezone="Europe/Oslo", active=False, created_at=LONG_AGO)
    # The scheduler was down all Monday: Tuesday noon's run makes up for it.
    assert jobs.dispatch_reports("2026-11-24T12:00:00+00:00") == 7
    jobs_by_tenant = {}
    report_ids = {(r.tenant_id, r.period): r.id for r in _reports(oslo) + _reports(tokyo)}
    for job in queue().get_jobs():
        tenant_id, period, report_id, deliver = job.args
        jobs_by_tenant.setdefault(tenant_id, []).append((period, deliver))
        assert report_id == report_ids[tenant_id, period]  # each builds the row its dispatch created
        assert job.retries_left == jobs.BUILD_RETRY.max
    assert jobs_by_tenant == {
        oslo.id: [(p, True) for p in ("2026-09", "2026-10", "2026-W44", "2026-W45", "2026-W46", "2026-W47")],
        tokyo.id: [("2026-W47", True)]}
    assert jobs.dispatch_reports("2026-11-24T12:00:00+00:00") == 0  # a rerun dispatches nothing twice
    assert jobs.dispatch_reports("2026-11-25T12:00:00+00:00") == 0  # nor does the next hour's run
    assert jobs.dispatch_reports("2026-11-30T05:00:00+00:00") == 2  # next Monday: W48 of each
    assert len(_reports(oslo)) == 7 and all(r.scheduled and r.status == "queued" for r in _reports(oslo))


def test_a_dispatched_report_is_built_and_delivered_once(world, app):
    world.tenant.created_at = LONG_AGO
    db.session.commit()
    sent_before = set(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))
    assert jobs.dispatch_reports("2026-11-02T05:30:00+00:00") == 6  # October's among them
    [job] = [j for j in queue().get_jobs() if j.args[:2] == (world.tenant.id, "2026-10")]
    for _ in range(2):  # the job run twice (a retry, a second worker): one report, one e-mail
        report_id = jobs.build_report(*job.args)
        for delivery in [j for j in queue().get_jobs() if j.func_name.endswith("deliver_report")]:
            jobs.deliver_report(*delivery.args)
    october = [r for r in _reports(world.tenant) if r.period == "2026-10"]
    assert [r.id for r in october] == [report_id] and october[0].ready
    assert [d.status for d in october[0].deliveries] == ["sent"]  # the tenant manager
    outbox = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
              for p in set(Path(app.config["OUTBOX_DIR"]).glob("*.eml")) - sent_before]
    assert len([m for m in outbox if "October 2026" in m["Subject"]]) == 1


def test_a_dispatch_that_could_not_enqueue_leaves_the_period_to_the_next_run(build, monkeypatch):
    tenant = build.tenant(timezone="Europe/Oslo", created_at=datetime(2026, 11, 16, tzinfo=timezone.utc))

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(jobs, "enqueue_build", down)
    with pytest.raises(ConnectionError):
        jobs.dispatch_reports("2026-11-23T06:00:00+00:00")
    assert _reports(tenant) == []
    monkeypatch.undo()
    assert jobs.dispatch_reports("2026-11-23T06:00:00+00:00") == 1


def test_one_scheduled_report_per_period(world):
    first = jobs.build_report(world.tenant.id, "2026-W42")
    assert jobs.build_report(world.tenant.id, "2026-W42") == first
    with tenant_scope(world.tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Report).where(Report.scheduled)) == 1
