"""The grader's queue in a real browser: new work shows up by itself, "Get next", release."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.integration.assignment_helpers import open_pool

pytestmark = pytest.mark.e2e

POLL_WAIT_MS = 25_000  # the list polls every 20 s


def test_a_grader_sees_new_work_arrive_claims_it_and_gives_it_back(build, log_in, page):
    tenant = build.tenant(name="Acme Telecom")
    grader = build.grader(tenant)
    log_in(grader)
    page.goto("/grading/queue")
    expect(page.get_by_text("No assignments in your queue")).to_be_visible()
    expect(page.locator("#queue-list")).to_contain_text("0 open in your tenants' pool")

    [assignment_id] = open_pool(build, tenant, 1)  # sampling put a call in the pool
    expect(page.locator("#queue-list")).to_contain_text("1 open in your tenants' pool", timeout=POLL_WAIT_MS)

    page.get_by_role("button", name="Get next").click()
    expect(page).to_have_url(re.compile(rf"/grading/assignments/{assignment_id}$"))

    page.goto("/grading/queue")
    row = page.locator("#queue-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Acme Telecom")
    expect(row).to_contain_text("due in")
    row.get_by_role("link", name="Release").click()
    page.get_by_label("Reason").fill("The recording is silent")
    page.get_by_role("button", name="Release").click()

    expect(page.get_by_text(f"Assignment #{assignment_id} is back in the pool.")).to_be_visible()
    expect(page.locator("#queue-list")).to_contain_text("1 open in your tenants' pool")
    expect(page.get_by_text("No assignments in your queue")).to_be_visible()
