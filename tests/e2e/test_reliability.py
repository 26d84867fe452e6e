"""A sampled call is graded by one grader, silently graded again by a second, and the vendor admin
finds both graders' agreement and leniency on the reliability page, then one grader's trend."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import grade_sample_card
from tests.integration import grading_helpers as gh

pytestmark = pytest.mark.e2e


def _grade(page, log_in, grader, name_answer: str, name_comment: str | None = None) -> None:
    log_in(grader)
    page.goto("/grading/queue")
    row = page.locator("#queue-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("sample")  # a double grade looks like any sample
    row.get_by_role("button", name="Grade").click()
    grade_sample_card(page, "REL-1", name_answer, name_comment)


def test_a_double_grade_from_the_queue_to_the_reliability_page(build, log_in, page):
    tenant = build.tenant(slug="relco", name="Rel Telecom",
                          settings={"double_grade_share": 1.0, "reliability_min_pairs": 1})
    agent = build.agent(tenant)
    call = build.call(agent, external_id="REL-1")
    card = gh.scorecard(tenant)
    admin = build.admin()
    ann = build.user("grader", certify=[tenant], name="Ann Grader")
    bob = build.user("grader", certify=[tenant], name="Bob Grader")
    gh.held_assignment(tenant, call, ann, card)

    _grade(page, log_in, ann, "Full")
    _grade(page, log_in, bob, "Partial", name_comment="Asked but did not use the name.")

    log_in(admin)
    page.get_by_role("link", name="Grader reliability").click()
    table = page.locator("#reliability-table")
    ann_row = table.locator("tr", has_text="Ann Grader")
    expect(ann_row).to_contain_text(ann.pseudonym)
    expect(ann_row).to_contain_text("75%")  # three of four criteria alike
    expect(ann_row).to_contain_text("+12.5")  # 100 against Bob's 87.5
    expect(ann_row).to_contain_text("(1 call)")
    expect(ann_row).not_to_contain_text("drifting")  # one call gives no interval: it cannot show drift
    expect(table.locator("tr", has_text="Bob Grader")).to_contain_text("-12.5")

    ann_row.get_by_role("link", name="Ann Grader").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ann Grader")
    expect(page.locator("section.card table tbody tr")).to_have_count(7)  # six months and the total
    expect(page.locator("figure.chart svg")).to_have_count(1)
