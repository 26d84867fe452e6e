"""One dispute from both sides: a client manager disputes a criterion from the evaluation page, a
vendor admin partly accepts it with another answer than proposed, and the client manager sees
the corrected score, the superseded revision and the vendor's answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.integration import grading_helpers as gh

pytestmark = pytest.mark.e2e


def test_a_dispute_from_both_sides(build, log_in, page):
    tenant = build.tenant(slug="dispco", name="Disp Co")
    agent = build.agent(tenant, display_name="Alice Berg")
    card = gh.scorecard(tenant)
    grader = build.user("grader", certify=[tenant], name="Gunnar Grader")
    manager = build.manager(tenant)
    admin = build.admin()
    # Greets "no" (0 of 5) and Explains "2" (2.5 of 5): 32.5 of 40 points, 81.25.
    form = {**gh.full_marks(card), **card.answers(greet="no", steps="2"),
            **card.comment("Greets", "No greeting."), **card.comment("Explains", "Only two steps.")}
    evaluation_id = gh.submitted_evaluation(tenant, build.call(agent, external_id="DSP-1"), grader, card, form)

    log_in(manager)
    page.goto(f"/t/dispco/evaluations/{evaluation_id}")
    expect(page.locator("#evaluation-total")).to_contain_text("81.3")
    page.get_by_role("link", name="Dispute this evaluation").click()
    page.get_by_label("Explains the next steps", exact=True).fill("Three steps were explained, at 02:10.")
    page.get_by_label("The right answer for Explains the next steps").select_option("4")
    page.get_by_role("button", name="Raise the dispute").click()
    expect(page.locator(".flash")).to_contain_text("raised")
    dispute_url = page.url
    expect(page.locator("#dispute-status")).to_have_text("Open")
    expect(page.locator("body")).not_to_contain_text("Gunnar Grader")
    page.get_by_role("button", name="Log out").click()

    log_in(admin)
    page.goto("/t/dispco/disputes/?status=open")
    page.locator("tr", has_text="Alice Berg").get_by_role("link", name=re.compile(r"^#\d+$")).click()
    page.get_by_label("Partly accept: apply the criteria ticked below").check()
    page.get_by_label("Explains the next steps", exact=True).check()
    page.get_by_label("Answer to apply for Explains the next steps").select_option("3")
    page.get_by_label("Answer to the client").fill("Three of the four steps are in the recording.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".flash")).to_contain_text("partly accepted")
    expect(page.locator("#current-total")).to_contain_text("84.4")  # 33.75 of 40
    page.get_by_role("button", name="Log out").click()

    log_in(manager)
    page.goto(dispute_url)
    expect(page.locator("#dispute-status")).to_have_text("Partly accepted")
    expect(page.locator("#dispute-answer")).to_have_text("Three of the four steps are in the recording.")
    expect(page.locator("#items")).to_contain_text("accepted → 3")
    page.get_by_role("link", name="call DSP-1").first.click()
    expect(page.locator("#evaluation-total")).to_contain_text("84.4")
    expect(page.locator("#corrected-notice")).to_contain_text("revision 2")
    superseded = page.locator("#revisions tr.superseded")
    expect(superseded).to_contain_text("81.3")
    expect(superseded).to_contain_text("superseded")
    expect(page.locator("#revisions tr.current")).to_contain_text("Explains the next steps: 2 → 3")
    expect(page.locator("body")).not_to_contain_text("Gunnar Grader")
