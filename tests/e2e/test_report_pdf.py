"""The report archive in a real browser: a client manager builds a report now and downloads its PDF."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.integration import report_data
from tests.integration.test_reports_build import LOW_AGENT, pdf_text, with_low_agent

pytestmark = pytest.mark.e2e


def test_a_manager_builds_a_report_and_downloads_the_pdf(build, log_in, page, worker):
    world = with_low_agent(build, report_data.october(build))
    log_in(world.tenant_manager)
    page.goto(f"/t/{world.tenant.slug}/reports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")

    page.get_by_label("Period").fill("2026-10")
    page.get_by_role("button", name="Build now").click()
    # The status polls itself; the worker builds the report and the page reloads with it.
    expect(page.locator("#report-status")).to_contain_text("ready", timeout=30_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("October 2026")
    expect(page.locator('[data-figure="evaluations"] .value')).to_have_text("11")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"quality-report-{world.tenant.slug}-2026-10.pdf"
    text = pdf_text(open(download.path(), "rb").read())
    assert "Quality report" in text and LOW_AGENT in text  # the lowest band, by name
    assert "Gerda" not in text
    expect(page.locator("body")).not_to_contain_text("Gerda")
