"""A grader's flow in a real browser: "Submit and next" through a queue of three, and "Get next" with own work."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.steps import answer
from tests.integration import grading_helpers as gh
from tests.integration.assignment_helpers import open_pool
from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.tenants.scoping import all_tenants

pytestmark = pytest.mark.e2e


def _queue_of_three(build):
    tenant = build.tenant(slug="acme", name="Acme Telecom", timezone="Europe/Oslo")
    agent = build.agent(tenant)
    card = gh.scorecard(tenant)
    grader = build.grader(tenant)
    for hours, name in ((2, "FIRST"), (5, "SECOND"), (9, "THIRD")):
        gh.held_assignment(tenant, build.call(agent, external_id=name), grader, card,
                           due_at=clock.now() + timedelta(hours=hours))
    return tenant, card, grader


def _grade_full_marks(page) -> None:
    answer(page, "Greets the customer", "Yes")
    answer(page, "Asks for the customer's name", "Full")
    answer(page, "Solves the problem", "Yes")
    answer(page, "Explains the next steps", "4")
    page.get_by_label("What went well").fill("Friendly and quick.")
    page.get_by_label("What to improve").fill("Confirm the fix at the end.")


def test_submit_and_next_through_a_queue_of_three(build, log_in, page):
    _, _, grader = _queue_of_three(build)
    log_in(grader)
    page.goto("/grading/queue")
    page.get_by_role("button", name="Get next").click()
    for name, following in (("FIRST", "SECOND"), ("SECOND", "THIRD")):
        page.wait_for_url(re.compile(r"/grading/assignments/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(name)
        _grade_full_marks(page)
        page.get_by_role("button", name="Submit and next").click()
        expect(page.locator(".flash")).to_contain_text(f"Evaluation of call {name} submitted.")
        expect(page.get_by_role("heading", level=1)).to_contain_text(following)
    _grade_full_marks(page)
    page.get_by_role("button", name="Submit and next").click()
    page.wait_for_url(re.compile(r"/grading/queue$"))
    expect(page.locator(".flash")).to_contain_text("Evaluation of call THIRD submitted.")
    expect(page.locator(".flash")).to_contain_text("Nothing left to grade")
    with all_tenants("test inspection"):
        statuses = db.session.scalars(select(Assignment.status).where(Assignment.grader_id == grader.id)).all()
    assert statuses == ["submitted"] * 3


def test_get_next_with_own_work_opens_my_most_urgent_item(build, log_in, page):
    tenant, card, grader = _queue_of_three(build)
    open_pool(build, tenant, 2, card.version_id, priority=5)  # the pool has work too
    log_in(grader)
    page.goto("/grading/queue")
    expect(page.locator("#queue-list tbody tr")).to_have_count(3)
    expect(page.locator("#queue-list")).to_contain_text("CET")  # the client's time, with its zone
    page.get_by_role("button", name="Get next").click()
    page.wait_for_url(re.compile(r"/grading/assignments/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("FIRST")
    expect(page.locator("#grading-form")).to_be_visible()  # started: the form, not the start page
