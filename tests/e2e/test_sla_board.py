"""The vendor's SLA board in a browser: it updates by itself after a grader submits an evaluation;
the grader capacity page it links to edits a capacity in place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.integration import grading_helpers
from vendor_qa import clock, periods
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import Assignment
from vendor_qa.sla import planner
from vendor_qa.tenants.scoping import tenant_scope

pytestmark = pytest.mark.e2e
POLL_WAIT_MS = 40_000  # the board polls every 15 s


def test_the_board_shows_a_submitted_evaluation_without_a_reload(build, log_in, page):
    tenant = build.tenant(slug="board-co", name="Board Co")
    card = grading_helpers.scorecard(tenant)
    grader = build.grader(tenant)
    agent = build.agent(tenant)
    now = clock.now()
    week_start, _ = periods.week_bounds(periods.week_of(now, tenant.timezone), tenant.timezone)
    for minutes in (1, 2, 3):  # three calls: fewer than the minimum, so all are sampled whatever the day
        build.call(agent, started_at=max(week_start, now - timedelta(minutes=minutes)))
    with tenant_scope(tenant.id):
        planner.plan_week(tenant.id, periods.week_of(now, tenant.timezone), now)

    log_in(build.admin())
    page.goto("/sla/")
    row = page.locator("tr[data-tenant='board-co']")
    expect(row.locator("[data-cell=completed]")).to_have_text("0 / 3")
    url = page.url

    with tenant_scope(tenant.id):
        assignment = db.session.scalar(select(Assignment).where(Assignment.grader_id == grader.id).limit(1))
        evaluations.open_form(assignment)
        assert evaluations.submit(assignment, grading_helpers.full_marks(card), tenant).ok

    expect(row.locator("[data-cell=completed]")).to_have_text("1 / 3", timeout=POLL_WAIT_MS)
    assert page.url == url  # updated in place by the board's polling, not by a reload


def test_a_graders_capacity_is_edited_in_place(build, log_in, page):
    grader = build.grader(build.tenant(slug="capacity-co"))
    log_in(build.admin())
    page.goto("/sla/")
    page.get_by_role("link", name="Grader capacity").click()
    row = page.locator(f"#grader-{grader.id}")
    field = row.get_by_label(f"Daily capacity of {grader.name}")
    url = page.url

    field.fill("501")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#grader-{grader.id} [role=alert]")).to_have_text(
        "Give a whole number of evaluations a day, from 0 to 500.")

    page.locator(f"#grader-{grader.id}").get_by_label(f"Daily capacity of {grader.name}").fill("45")
    page.locator(f"#grader-{grader.id}").get_by_role("button", name="Save").click()
    expect(page.locator(f"#grader-{grader.id} [role=status]")).to_have_text("saved")
    expect(page.locator(f"#grader-{grader.id} [data-cell=free]")).to_have_text("45")
    assert page.url == url  # swapped in place, no page load
