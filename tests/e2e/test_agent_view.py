"""An agent opens the personal link from their e-mail, reads an evaluation and acknowledges it;
the client manager sees the acknowledgment on the agent page."""

from __future__ import annotations

import email
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.integration import grading_helpers as gh
from vendor_qa.agent_view import jobs, links
from vendor_qa.extensions import db
from vendor_qa.tenants.scoping import tenant_scope

pytestmark = pytest.mark.e2e


def test_an_agent_reads_and_acknowledges_from_the_email(app, build, page, log_in):
    tenant = build.tenant(slug="mailco", name="Mail Co", settings={"agent_feedback_route": links.DIRECT})
    agent = build.agent(tenant, display_name="Alice Berg", email="alice@mailco.example")
    grader = build.user("grader", certify=[tenant], name="Gunnar Grader")
    card = gh.scorecard(tenant)
    form = {**gh.full_marks(card), **card.answers(greet="no"), **card.comment("Greets", "No greeting at all.")}
    gh.submitted_evaluation(tenant, build.call(agent), grader, card, form)
    outbox = Path(app.config["OUTBOX_DIR"])
    before = set(outbox.glob("*.eml"))
    with tenant_scope(tenant.id):
        link = links.issue(tenant, agent)
        db.session.commit()
        link_id = link.id
    jobs.send_agent_link(tenant.id, link_id)  # what the worker does with the outbox's job

    (sent,) = set(outbox.glob("*.eml")) - before
    text = email.message_from_bytes(sent.read_bytes()).get_payload(decode=True).decode()
    path = re.search(r"https?://[^/\s]+(/a/\S+/)", text)[1]
    page.goto(path)
    expect(page.get_by_role("heading", name=re.compile("Your quality feedback"))).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Gunnar Grader")
    page.get_by_role("link", name="Read and acknowledge").click()
    expect(page.locator("tr[data-criterion='Greets the customer']")).to_contain_text("No greeting at all.")
    page.get_by_label("Your comment (optional)").fill("I will greet every customer.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".flash")).to_contain_text("Acknowledged")
    expect(page.locator("#acknowledgment")).to_contain_text("I will greet every customer.")

    log_in(build.manager(tenant))
    page.goto(f"/t/mailco/agents/{agent.id}")
    expect(page.locator("#ack-status")).to_contain_text("1 of 1")
