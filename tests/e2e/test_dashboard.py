"""The dashboard in a real browser: a client manager changes the period and opens an agent's quality file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.integration import report_data

pytestmark = pytest.mark.e2e


def _figure(page, name: str):
    return page.locator(f'[data-figure="{name}"] .value')


def test_a_manager_changes_the_period_and_opens_a_quality_file(build, log_in, page):
    world = report_data.october(build)
    log_in(world.tenant_manager)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quality dashboard")

    page.get_by_label("Month", exact=True).fill("2026-10")
    expect(page.locator("#period-heading")).to_have_text("October 2026")
    expect(_figure(page, "evaluations")).to_have_text("9")
    expect(page).to_have_url(re.compile(r"month=2026-10"))  # HTMX pushed the URL: a reload shows the same
    page.locator("#dashboard-body svg title").first.wait_for(state="attached")

    page.get_by_label("Period", exact=True).select_option("week")
    page.get_by_label("Week", exact=True).fill("2026-W41")
    expect(page.locator("#period-heading")).to_contain_text("Week 2026-W41")
    expect(_figure(page, "evaluations")).to_have_text("2")  # Alma on 5 October and Cai on 8 October
    expect(page).to_have_url(re.compile(r"week=2026-W41"))

    page.get_by_label("Search agents").fill(world.agents["A3"].code)
    expect(page.locator("#agents tr[data-agent]")).to_have_count(1)

    page.get_by_role("link", name="Cai Dahl").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quality file: Cai Dahl")
    expect(page.locator("tr[data-evaluation]")).to_have_count(3)  # October's two and September's
    expect(page.locator("body")).not_to_contain_text("Gerda")
