"""The Content-Security-Policy in a real browser: the pages people use run under it with no
violation, the behaviour moved out of inline handlers still works, and nothing of a signed-in page
stays in the tab's storage after logging out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import answer
from tests.integration import grading_helpers as gh
from tests.integration import report_data
from vendor_qa.extensions import db
from vendor_qa.grading.assignments import create_assignment
from vendor_qa.tenants.scoping import tenant_scope

pytestmark = pytest.mark.e2e


@pytest.fixture
def console(page) -> list[str]:
    """Every console message and uncaught error of the page; a CSP violation shows as "Refused to ..."."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def assert_clean(console: list[str]) -> None:
    refused = [m for m in console if "Refused to" in m or "Content Security Policy" in m or m.startswith("pageerror")]
    assert not refused, "\n".join(refused)


def assert_no_htmx_history(page) -> None:
    storage = page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")
    assert "htmx-history-cache" not in storage
    # htmx notes the path of the page it runs on (a path, never a page's content).
    assert set(storage) <= {"htmx-current-path-for-history"}
    assert all(len(value) < 300 and "<" not in value for value in storage.values())


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))


def test_a_grader_grades_under_the_policy(build, log_in, page, console):
    tenant = build.tenant(slug="acme", name="Acme Telecom")
    gh.scorecard(tenant)
    call = build.call(build.agent(tenant, display_name="Ada Lind"), external_id="CSP-1",
                      recording_url="https://recordings.example/csp-1.mp3")
    with tenant_scope(tenant.id):
        create_assignment(call, "low_rating")
        db.session.commit()

    log_in(build.grader(tenant))
    page.goto("/grading/queue")
    page.get_by_role("button", name="Get next").click()
    page.wait_for_url(re.compile(r"/grading/assignments/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("CSP-1")
    expect(page.locator("audio")).to_have_attribute("src", re.compile(r"^/grading/assignments/\d+/recording$"))
    answer(page, "Greets the customer", "Yes")  # htmx posts the draft and the live total
    expect(page.locator("#draft-status")).to_contain_text(re.compile(r"Draft saved \d\d:\d\d"))
    log_out(page)
    assert_no_htmx_history(page)
    assert_clean(console)


def test_htmx_keeps_no_copy_of_a_signed_in_page(build, log_in, page):
    world = report_data.october(build)
    log_in(world.tenant_manager)
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_label("Month", exact=True).fill("2026-10")
    expect(page.locator("#period-heading")).to_have_text("October 2026")
    expect(page).to_have_url(re.compile(r"month=2026-10"))  # htmx pushed a URL: a history entry
    page.go_back()  # no cached copy: the page comes from the server again
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality dashboard")
    expect(page.locator("#period-heading")).not_to_have_text("October 2026")
    log_out(page)
    assert_no_htmx_history(page)


def test_the_dashboard_charts_run_no_inline_script(build, log_in, page, console):
    world = report_data.october(build)
    log_in(world.tenant_manager)
    page.goto("/t/%s/dashboard?month=2026-10" % world.tenant.slug)
    page.locator("#dashboard-body svg title").first.wait_for(state="attached")
    assert_clean(console)


def test_behaviour_moved_out_of_inline_handlers_still_works(build, log_in, page, console):
    tenant = build.tenant(slug="acme", name="Acme Telecom")
    log_in(build.admin())
    page.goto(f"/admin/tenants/{tenant.id}/tokens")
    page.get_by_label("What is it for?").fill("CRM")
    page.get_by_role("button", name="Issue token").click()
    secret = page.get_by_label("The new API token")
    secret.focus()
    assert page.evaluate("() => window.getSelection().toString()") == secret.input_value()  # selected whole

    revoke = page.get_by_role("button", name="Revoke")
    page.once("dialog", lambda dialog: dialog.dismiss())
    revoke.click()
    expect(page.get_by_text("active", exact=True)).to_be_visible()  # said no: still active
    page.once("dialog", lambda dialog: dialog.accept())
    revoke.click()
    expect(page.locator("td .pill.bad")).to_contain_text("revoked")

    page.goto("/admin/graders/reliability")
    page.get_by_label("Tenant").select_option("acme")  # applies at once, no "Filter" click
    expect(page).to_have_url(re.compile(r"tenant=acme"))

    page.goto("/admin/no-such-page")
    page.goto(f"/admin/tenants/{tenant.id}/tokens")
    page.goto("/admin/no-such-page")
    page.get_by_role("link", name="Go back").click()
    expect(page).to_have_url(re.compile(r"/tokens$"))
    log_out(page)
    assert_no_htmx_history(page)
    assert_clean(console)
