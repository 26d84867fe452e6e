"""A team lead records a coaching session from an agent's page and finds it in the agent's quality
file; the follow-up waits on the lead's home (issue #12)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.integration import grading_helpers as gh
from vendor_qa.extensions import db
from vendor_qa.tenants.teams import set_lead_teams

pytestmark = pytest.mark.e2e


def test_a_lead_records_a_coaching_session(build, log_in, page):
    tenant = build.tenant(slug="coachco", name="Coach Co")
    north, south = build.team(tenant, "North"), build.team(tenant, "South")
    agent = build.agent(tenant, team=north, display_name="Alice Berg")
    build.agent(tenant, team=south, display_name="Bruno South")
    card = gh.scorecard(tenant)
    gh.submitted_evaluation(tenant, build.call(agent, external_id="CCH-1"), build.grader(tenant), card)
    lead = build.user("client_manager", tenant=tenant, name="Lena Lead")
    set_lead_teams(lead, [north.id])
    db.session.commit()

    log_in(lead)
    page.goto("/t/coachco/agents")
    expect(page.locator("main")).not_to_contain_text("Bruno South")  # another team's agent
    page.get_by_role("link", name="Alice Berg").click()
    page.get_by_role("link", name="Record a coaching session").click()
    page.get_by_label("Greets the customer").check()
    page.get_by_label("CCH-1", exact=False).check()
    page.get_by_label("Notes", exact=True).fill("Greet with the company name; we listened to CCH-1 together.")
    page.get_by_label("Share the notes with the agent").check()
    page.get_by_label("Agreed actions").fill("Use the greeting script for a week.")
    page.get_by_label("Follow-up on").fill("2026-11-25")
    page.get_by_role("button", name="Record the session").click()

    expect(page.locator(".flash")).to_contain_text("Coaching session with Alice Berg recorded.")
    session = page.locator("#coaching + .table-wrap tr[data-session]")
    expect(session).to_contain_text("Lena Lead")
    expect(session).to_contain_text("Greets the customer")
    expect(session).to_contain_text("shared with the agent")
    expect(session).to_contain_text("Use the greeting script")

    page.get_by_role("link", name="Coach Co").first.click()
    follow_up = page.locator("tr[data-follow-up='Alice Berg']")
    expect(follow_up).to_contain_text("Use the greeting script")
    follow_up.get_by_role("button", name="Mark done").click()
    expect(page.locator(".flash")).to_contain_text("Follow-up with Alice Berg done.")
    expect(page.locator("#follow-ups + .empty")).to_be_visible()
