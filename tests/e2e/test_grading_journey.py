"""A grader claims a call with "Get next", scores it with the live total, submits; the client sees it by pseudonym."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.integration import grading_helpers as gh
from tests.e2e.steps import answer
from vendor_qa.extensions import db
from vendor_qa.grading.assignments import create_assignment
from vendor_qa.tenants.scoping import tenant_scope

pytestmark = pytest.mark.e2e


def test_claim_grade_submit_and_the_client_sees_it(build, log_in, page):
    tenant = build.tenant(slug="acme", name="Acme Telecom")
    agent = build.agent(tenant, display_name="Alice Berg")
    call = build.call(agent, external_id="X-42", transcript="Customer: reach me at 555 123 4567")
    gh.scorecard(tenant)
    with tenant_scope(tenant.id):
        create_assignment(call, "low_rating")
        db.session.commit()
    grader = build.grader(tenant)
    manager = build.manager(tenant)
    seen_as = gh.pseudonym(tenant, grader)  # what Acme sees of the grader

    log_in(grader)
    page.goto("/grading/queue")
    page.get_by_role("button", name="Get next").click()
    page.wait_for_url(re.compile(r"/grading/assignments/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("X-42")
    expect(page.locator(".transcript")).to_contain_text("[phone]")

    # The total follows the answers as they are given.
    total = page.locator("#score-panel #preview-total")
    answer(page, "Greets the customer", "Yes")
    answer(page, "Solves the problem", "Yes")
    answer(page, "Explains the next steps", "4")
    answer(page, "Asks for the customer's name", "Full")
    expect(total).to_contain_text("100.0")
    answer(page, "Asks for the customer's name", "Partial")
    expect(total).to_contain_text("87.5")  # 35 of 40 points
    expect(page.locator("#draft-status")).to_contain_text(re.compile(r"Draft saved \d\d:\d\d"))

    # Points lost without a comment: the error shows in place, nothing is submitted.
    page.get_by_label("What went well").fill("Solved the billing problem quickly.")
    page.get_by_label("What to improve").fill("Use the customer's name during the call.")
    page.get_by_role("button", name="Submit evaluation").click()
    expect(page.locator(".gr-criterion.has-error")).to_contain_text("Say why points were lost.")
    page.locator(".gr-criterion.has-error textarea").fill("Asked for the name but never used it.")
    page.get_by_role("button", name="Submit evaluation").click()
    expect(page.locator(".flash")).to_contain_text("Evaluation of call X-42 submitted.")
    assert page.url.endswith("/grading/queue")

    page.get_by_role("button", name="Log out").click()
    log_in(manager)
    page.goto("/t/acme/evaluations/")
    row = page.locator("tr[data-evaluation]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(seen_as)
    expect(row).to_contain_text("87.5")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("X-42")
    expect(page.locator("[data-grader]")).to_have_text(seen_as)
    expect(page.locator("body")).to_contain_text("Use the customer's name during the call.")
    expect(page.locator("body")).not_to_contain_text(grader.name)
