"""A vendor admin builds a scorecard in the browser, previews a score, publishes, edits, publishes v2."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import answer

pytestmark = pytest.mark.e2e


def _add_criterion(page, section: str, text: str, kind: str | None = None, weight: str | None = None) -> None:
    card = page.locator("section.card", has=page.get_by_role("heading", name=section))
    card.get_by_role("link", name="+ Add criterion").click()
    form = card.locator("form.sc-form")
    _wait_for_autofocus(form)
    form.get_by_label("What the grader checks").fill(text)
    if kind:
        form.get_by_label("Kind").select_option(kind)
    if weight:
        form.get_by_label("Weight (points)").fill(weight)
    form.get_by_role("button", name="Add criterion").click()
    expect(card.locator("ol.sc-criteria")).to_contain_text(text)


def _wait_for_autofocus(form) -> None:
    # The browser and then htmx (once the swap settles) focus the [autofocus] field: typing
    # into another field before both have run would land in that one.
    expect(form.page.locator(".htmx-settling, .htmx-swapping, .htmx-request")).to_have_count(0)
    expect(form.get_by_label("What the grader checks")).to_be_focused()


def test_build_preview_publish_edit_and_publish_again(build, log_in, page):
    build.tenant(slug="acme", name="Acme Telecom")
    log_in(build.admin())

    page.goto("/t/acme/scorecards/")
    page.get_by_role("link", name="New scorecard").click()
    page.get_by_label("Name").fill("Inbound support")
    page.get_by_label("Phone").check()
    page.get_by_role("button", name="Create and start building").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft v1")

    # Sections and criteria are added in place (HTMX), without leaving the editor.
    editor_url = page.url
    page.get_by_label("New section").fill("Opening")
    page.get_by_role("button", name="Add section").click()
    expect(page.get_by_role("heading", name="Opening")).to_be_visible()
    _add_criterion(page, "Opening", "Greets the customer")
    _add_criterion(page, "Opening", "Solves the issue", kind="graded", weight="20")
    assert page.url == editor_url

    # The live preview: 10 of 10 + half of 20 = 20 of 30 -> 66.7, band "train".
    answer(page, "Greets the customer", "Yes")
    answer(page, "Solves the issue", "Partial")
    expect(page.locator("#preview-total")).to_contain_text("66.7")
    expect(page.locator("#preview-total")).to_contain_text("train")
    answer(page, "Solves the issue", "Full")
    expect(page.locator("#preview-total")).to_contain_text("100.0")

    page.get_by_label("What changed").fill("First version")
    page.get_by_role("button", name="Publish v1").click()
    expect(page.locator(".flash")).to_contain_text("Version 1 is published")

    # Editing the published scorecard opens draft v2; an inline edit changes one weight.
    page.get_by_role("button", name="Edit (new draft)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft v2")
    row_id = page.locator("ol.sc-criteria > li", has_text="Greets the customer").get_attribute("id")
    row = page.locator(f"#{row_id}")  # by id: while it shows the form, its text is inside an input
    row.get_by_role("link", name="Edit").click()
    weight = row.get_by_label("Weight (points)")
    expect(weight).to_have_value(re.compile(r"^10(\.0+)?$"))  # the inline form has replaced the row
    _wait_for_autofocus(row)
    weight.fill("5")
    expect(weight).to_have_value("5")
    row.get_by_role("button", name="Save criterion").click()
    expect(row).to_contain_text("5 pts")
    page.get_by_label("What changed").fill("Greeting matters less")
    page.get_by_role("button", name="Publish v2").click()
    expect(page.locator(".flash")).to_contain_text("Version 2 is published")

    page.get_by_role("link", name="All versions").click()
    versions = page.locator("table tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("published")
    expect(versions.nth(0)).to_contain_text("Greeting matters less")
    expect(versions.nth(1)).to_contain_text("retired")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#comparison")).to_contain_text(re.compile(r"weight: 10.*weight: 5", re.S))
