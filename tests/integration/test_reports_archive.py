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


@pytest.mark.parametrize("moment, due", [
    ("2026-11-23T05:10:00+00:00", ["2026-W47"]),  # Monday 06:10 in Oslo
    ("2026-11-23T06:10:00+00:00", []),  # 07:10 in Oslo
    ("2026-12-01T05:00:00+00:00", ["2026-11"]),  # the 1st, a Tuesday
    ("2026-06-01T04:30:00+00:00", ["2026-W22", "2026-05"]),  # Monday the 1st, summer time
    ("2026-11-24T05:10:00+00:00", []),  # Tuesday
])
def test_the_schedule_is_monday_and_the_first_at_six_tenant_time(build, moment, due):
    tenant = build.tenant(timezone="Europe/Oslo")
    assert jobs.due_periods(tenant, datetime.fromisoformat(moment)) == due


def test_the_hourly_dispatcher_enqueues_due_reports_with_delivery(build):
    oslo, tokyo = build.tenant(timezone="Europe/Oslo"), build.tenant(timezone="Asia/Tokyo")
    build.tenant(timezone="Europe/Oslo", active=False)
    assert jobs.dispatch_reports("2026-11-23T05:00:00+00:00") == 1
    [job] = queue().get_jobs()
    assert job.args == (oslo.id, "2026-W47", None, True) and job.retries_left == jobs.BUILD_RETRY.max
    assert jobs.dispatch_reports("2026-11-22T21:00:00+00:00") == 1  # Monday 06:00 in Tokyo
    assert queue().get_jobs()[-1].args[0] == tokyo.id
    assert jobs.dispatch_reports(datetime(2026, 11, 23, 12, tzinfo=timezone.utc).isoformat()) == 0


def test_one_scheduled_report_per_period(world):
    first = jobs.build_report(world.tenant.id, "2026-W42")
    assert jobs.build_report(world.tenant.id, "2026-W42") == first
    with tenant_scope(world.tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Report).where(Report.scheduled)) == 1
