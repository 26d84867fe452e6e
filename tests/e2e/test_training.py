"""From finding to fix, in the browser: a client manager plans a training from the dashboard's
systemic finding, the vendor admin sees its agents re-checked on the SLA week page, and the
training's page gives the verdict and the agent to coach."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.integration import training_data

pytestmark = pytest.mark.e2e


def test_a_training_from_a_systemic_finding_to_its_verdict(build, log_in, page):
    tenant, agents, team, card, manager = training_data.systemic_listening(build, slug="trainco")
    admin = build.admin()

    log_in(manager)
    page.goto("/t/trainco/dashboard?view=month&month=2026-10")
    page.locator('[data-findings="systemic"]').get_by_role("link", name="Plan a training").click()
    expect(page.get_by_label("Listens without interrupting")).to_be_checked()
    page.get_by_label("Team", exact=True).select_option(label="Billing")
    page.get_by_label("Given on").fill("2026-10-20")
    page.get_by_label("Follow-up window (weeks)").fill("6")  # still running this week
    page.get_by_role("button", name="Plan the training").click()
    expect(page.locator(".flash")).to_contain_text("Training planned for 4 agent(s)")
    training_url = page.url
    expect(page.locator("[data-verdict]")).to_contain_text("Improved")
    expect(page.locator("[data-verdict]")).to_contain_text("so far")
    expect(page.locator("[data-coaching]")).to_contain_text("Dan")
    expect(page.locator("[data-coaching]")).not_to_contain_text("Ann")
    page.get_by_role("button", name="Log out").click()

    log_in(admin)
    page.goto("/sla/trainco/")
    rechecks = page.locator("[data-rechecks]")
    expect(rechecks).to_contain_text("sampled at the maximum")
    rechecks.get_by_role("link", name="Training: Listens without interrupting").click()
    expect(page).to_have_url(training_url)
