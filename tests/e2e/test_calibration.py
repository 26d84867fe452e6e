"""A vendor admin starts a calibration session for two graders, each grades blind through the
ordinary form, and the admin sees their answers side by side with the agreement coefficient."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import grade_sample_card
from tests.integration import grading_helpers as gh

pytestmark = pytest.mark.e2e


def _grade(page, log_in, grader, name_answer: str, name_comment: str | None = None) -> None:
    log_in(grader)
    page.goto("/grading/queue")
    row = page.locator("tr", has_text="calibration")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="Grade").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CAL-1")
    grade_sample_card(page, "CAL-1", name_answer, name_comment)


def test_a_calibration_session_from_start_to_comparison(build, log_in, page):
    tenant = build.tenant(slug="calico", name="Calico Telecom")
    agent = build.agent(tenant, display_name="Alice Berg")
    build.call(agent, external_id="CAL-1")
    gh.scorecard(tenant)
    admin = build.admin()
    ann = build.user("grader", certify=[tenant], name="Ann Grader")
    bob = build.user("grader", certify=[tenant], name="Bob Grader")

    log_in(admin)
    page.goto("/t/calico/calibration/")
    page.get_by_role("link", name="New session").click()
    page.get_by_label("Call external id").fill("CAL-1")
    page.get_by_label(re.compile("^Ann Grader")).check()
    page.get_by_label(re.compile("^Bob Grader")).check()
    page.get_by_label("Expert (optional)").select_option(label=f"Ann Grader ({ann.pseudonym})")
    page.get_by_role("button", name="Start session").click()
    expect(page.locator(".flash")).to_contain_text("started")
    session_url = page.url
    expect(page.locator("#progress")).to_contain_text("0 of 2 graders submitted")
    page.get_by_role("button", name="Log out").click()

    _grade(page, log_in, ann, "Full")
    _grade(page, log_in, bob, "Partial", name_comment="Asked but did not use the name.")

    log_in(admin)
    page.goto(session_url)
    progress = page.locator("#progress")
    expect(progress).to_contain_text("2 of 2 graders submitted")
    agreement = page.get_by_test_id("agreement-by-kind")  # each kind of criterion apart, alpha beside AC1
    expect(agreement.get_by_test_id("alpha").first).to_have_text(re.compile(r"^(-?\d\.\d\d|n/a)$"))
    expect(agreement.get_by_test_id("ac1").first).to_have_text(re.compile(r"^(-?\d\.\d\d|n/a)$"))
    table = progress.locator("table").last  # the answers side by side, after the agreement by kind
    expect(table.locator("thead")).to_contain_text("Ann Grader")
    expect(table.locator("thead")).to_contain_text("Bob Grader")
    name_row = table.locator("tr", has_text="Asks for the customer's name")
    expect(name_row).to_contain_text("Full")
    expect(name_row).to_contain_text("Partial")
    expect(name_row).to_contain_text("50%")  # agreement: one of two gave each answer
    expect(name_row).to_contain_text("1 of 1 differ")
    expect(table.locator("tr", has_text="Greets the customer")).to_contain_text("100%")
    expect(table.locator("tr", has_text="Total")).to_contain_text("100.0")
    expect(table.locator("tr", has_text="Total")).to_contain_text("87.5 (-12.5)")
    expect(progress).to_contain_text("spread of totals: 87.5 to 100.0")
