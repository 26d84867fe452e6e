"""The foundation in a real browser: logging in by role, tenant isolation, a CSV import."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from vendor_qa.auth.models import Role
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.tenants.scoping import tenant_scope

pytestmark = pytest.mark.e2e

IMPORT_ROWS = 7


def _user_of(build, role: Role):
    tenant = build.tenant(slug="acme", name="Acme Telecom")
    if role == Role.CLIENT_MANAGER:
        return build.manager(tenant)
    if role == Role.GRADER:
        return build.grader(tenant)
    return build.admin()


@pytest.mark.parametrize("role, path, heading", [
    (Role.VENDOR_ADMIN, "/admin/tenants", "Tenants"),
    (Role.GRADER, "/grading/queue", "My queue"),
    (Role.CLIENT_MANAGER, "/t/acme/", "Acme Telecom"),
])
def test_each_role_logs_in_and_lands_on_its_home(build, log_in, page, role, path, heading):
    user = _user_of(build, role)

    log_in(user)

    expect(page).to_have_url(re.compile(re.escape(path) + r"$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _expect_not_found(page, url: str, hidden_text: str) -> None:
    response = page.goto(url)
    assert response.status == 404, f"{url} answered {response.status}"
    expect(page.get_by_role("heading", level=1)).to_have_text("Not Found")
    expect(page.locator("body")).not_to_contain_text(hidden_text)


def test_a_client_manager_gets_404_for_another_tenants_agent(build, log_in, page):
    acme, globex = build.tenant(slug="acme"), build.tenant(slug="globex")
    own = build.agent(acme, display_name="Ada Own")
    theirs = build.agent(globex, display_name="Grace Theirs")
    log_in(build.manager(acme))

    _expect_not_found(page, f"/t/globex/agents/{theirs.id}", "Grace Theirs")
    _expect_not_found(page, f"/t/acme/agents/{theirs.id}", "Grace Theirs")

    # The same page answers for the manager's own agent, so the 404s above are isolation at work.
    response = page.goto(f"/t/acme/agents/{own.id}")
    assert response.status == 200, f"own agent page answered {response.status}"
    expect(page.locator("main")).to_contain_text("Ada Own")


def _calls_csv(rows: int) -> bytes:
    start = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "agent_external_id", "agent_name", "team", "started_at",
                     "duration_seconds", "channel", "customer_rating", "topic"])
    for n in range(rows):
        writer.writerow([f"csv-{n}", f"ag-{n % 3}", f"Agent {n % 3}", "Billing",
                         (start + timedelta(minutes=7 * n)).isoformat(), 180 + n, "phone",
                         1 + n % 5, "billing"])
    return out.getvalue().encode()


def test_csv_import_shows_progress_and_finishes(build, log_in, page, request):
    acme = build.tenant(slug="acme")
    log_in(build.manager(acme))
    page.goto("/t/acme/imports/")

    page.set_input_files("input[type=file][name=file]", files=[
        {"name": "calls.csv", "mimeType": "text/csv", "buffer": _calls_csv(IMPORT_ROWS)},
    ])
    page.locator("form:has(input[name=file]) [type=submit]").click()

    # No worker runs yet, so the job waits and the page must show it in progress.
    page.wait_for_url(re.compile(r"/t/acme/imports/\d+$"))
    expect(page.locator("progress, .progress, [role=progressbar]").first).to_be_visible()

    request.getfixturevalue("worker")  # now the job runs; the page finds out by polling itself
    finished = re.compile(rf"\b{IMPORT_ROWS}\b[^.]*\bimported\b|\bimported\b[^.]*\b{IMPORT_ROWS}\b", re.I)
    expect(page.locator("main")).to_contain_text(finished, timeout=30_000)

    with tenant_scope(acme.id):
        assert db.session.scalar(select(func.count(Call.id))) == IMPORT_ROWS
