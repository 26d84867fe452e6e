"""The agent's own page behind their personal link: what it shows, what it refuses, what the
client sees of the agent's answers, and the link's e-mail.

The link is a caller of its own kind (no login): its holder reaches their own evaluations and
nothing else; another agent's evaluation, any other URL, an expired, revoked or unknown link
answer 404 or a page saying how to get a new link.
"""

from __future__ import annotations

import email
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration import grading_helpers as gh
from tests.integration.access import ANON
from tests.integration.test_access_matrix import ROUTES
from vendor_qa import clock
from vendor_qa.agent_view import jobs, links
from vendor_qa.agent_view.models import Acknowledgment, AgentLink, AgentLinkDelivery, DisputeRequest
from vendor_qa.calls.models import Agent
from vendor_qa.disputes import service as disputes
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.tenants.scoping import all_tenants, tenant_scope
from vendor_qa.work.models import OutboxEntry

GRADER_NAME = "Gudrun Hemmelig"


@pytest.fixture
def world(build):
    tenant = build.tenant(slug="ackco", name="Ack Co")
    team = build.team(tenant, "Blue")
    alma = build.agent(tenant, team=team, display_name="Alma Ask", email="alma@client.example")
    bo = build.agent(tenant, team=team, display_name="Bo Berg")
    grader = build.user("grader", certify=[tenant], name=GRADER_NAME, email="gudrun@vendor.example")
    card = gh.scorecard(tenant)
    form = {**gh.full_marks(card), **card.answers(greet="no"), **card.comment("Greets", "No hello at all.")}
    alma_ids = [gh.submitted_evaluation(tenant, build.call(alma), grader, card, form) for _ in range(2)]
    bo_id = gh.submitted_evaluation(tenant, build.call(bo), grader, card)
    with tenant_scope(tenant.id):
        tokens = {a.display_name: links.token_for(links.issue(tenant, a).id) for a in (alma, bo)}
        db.session.commit()
    return dict(tenant=tenant, alma=alma, bo=bo, alma_ids=alma_ids, bo_id=bo_id, tokens=tokens, grader=grader,
                pseudonym=gh.pseudonym(tenant, grader), manager=build.manager(tenant), card=card)


def _link(world, who="Alma Ask") -> str:
    return f"/a/{world['tokens'][who]}"


def test_the_agent_reads_their_own_evaluations_by_pseudonym(world, client):
    from datetime import date

    from vendor_qa.coaching.models import CoachingSession

    with tenant_scope(world["tenant"].id):
        db.session.add_all([CoachingSession(tenant_id=world["tenant"].id, agent_id=world["alma"].id, held_on=date(2026, 11, 20),
                                            notes=text, notes_shared=shared, actions="")
                            for text, shared in (("Pause before answering.", True), ("Private: nervous.", False))])
        db.session.commit()
    page = client.get(f"{_link(world)}/").get_data(as_text=True)
    assert "Pause before answering." in page and "Private: nervous." not in page  # shared coaching notes only
    assert "Alma Ask" in page and "Bo Berg" not in page
    assert page.count('data-evaluation="') == 2 and world["pseudonym"] in page
    assert "Your average score per month" in page  # the quality file's trend, drawn for the agent
    detail = client.get(f"{_link(world)}/evaluations/{world['alma_ids'][0]}")
    body = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert "No hello at all." in body and "Warm greeting and a clear fix." in body  # a comment, the feedback
    assert 'aria-current="true">No<' in body  # the criterion's answer
    for page_body in (page, body):
        assert GRADER_NAME not in page_body and "gudrun@" not in page_body and world["grader"].pseudonym not in page_body
        assert f"/t/{world['tenant'].slug}/" not in page_body  # no link into the client's pages
        assert f"/agents/{world['bo'].id}" not in page_body


def test_a_link_opens_its_agent_only_and_nothing_else(world, client, build):
    other = build.tenant(slug="elsewhere")
    foreign = gh.submitted_evaluation(other, build.call(build.agent(other)), build.grader(other), gh.scorecard(other))
    for evaluation_id in (world["bo_id"], foreign):
        assert client.get(f"{_link(world)}/evaluations/{evaluation_id}").status_code == 404
        assert client.post(f"{_link(world)}/evaluations/{evaluation_id}/acknowledge").status_code == 404
        assert client.post(f"{_link(world)}/evaluations/{evaluation_id}/dispute-request",
                           data={"reason": "x"}).status_code == 404
    assert client.get(f"{_link(world, 'Bo Berg')}/evaluations/{world['alma_ids'][0]}").status_code == 404
    with tenant_scope(world["tenant"].id):
        assert db.session.scalar(select(func.count(Acknowledgment.id))) == 0
    # The holder of a link (the same browser, its session) reaches no other page of the application.
    client.get(f"{_link(world)}/")
    slug = world["tenant"].slug
    for route in ROUTES:
        if route.api or route.method != "GET" or ANON in route.roles or "{" in route.path.replace("{tenant}", ""):
            continue
        path = route.path.replace("{tenant}", slug)
        status = client.get(path).status_code
        assert status in (302, 404), (path, status)


@pytest.mark.parametrize("state", ["expired", "revoked", "replaced", "unknown"])
def test_a_link_that_no_longer_opens_says_how_to_get_a_new_one(world, client, time_machine, state):
    url = f"{_link(world)}/"
    if state == "expired":
        time_machine.move_to(clock.now() + timedelta(days=links.LINK_DAYS, minutes=1), tick=True)
    elif state in ("revoked", "replaced"):
        with tenant_scope(world["tenant"].id):
            agent = db.session.get(type(world["alma"]), world["alma"].id)
            links.issue(world["tenant"], agent) if state == "replaced" else links.revoke(agent)
            db.session.commit()
    else:
        url = "/a/" + "x" * links.TOKEN_LENGTH + "/"
    response = client.get(url)
    assert response.status_code == (404 if state == "unknown" else 410)
    assert "Ask your team lead or your manager for a new link" in response.get_data(as_text=True)
    if state != "expired":
        assert client.get(f"{_link(world, 'Bo Berg')}/").status_code == 200  # other links unaffected


def test_acknowledging_twice_changes_nothing_and_the_client_sees_it(world, client, login):
    first = world["alma_ids"][0]
    url = f"{_link(world)}/evaluations/{first}/acknowledge"
    assert client.post(url, data={"comment": "Will greet from now on."}).status_code == 302
    assert client.post(url, data={"comment": "Changed my mind"}).status_code == 302
    with tenant_scope(world["tenant"].id):
        rows = db.session.scalars(select(Acknowledgment)).all()
    assert [(r.evaluation_id, r.comment) for r in rows] == [(first, "Will greet from now on.")]
    assert "Acknowledged" in client.get(f"{_link(world)}/evaluations/{first}").get_data(as_text=True)
    too_long = client.post(f"{_link(world)}/evaluations/{world['alma_ids'][1]}/acknowledge", data={"comment": "x" * 2001})
    assert too_long.status_code == 422 and "2000" in too_long.get_data(as_text=True)

    manager = login(world["manager"])
    agents = manager.get("/t/ackco/agents").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td><a [^>]*>Alma Ask</a>.*?</tr>", agents, re.S)[0]
    assert "1 of 2" in row
    assert re.search(r'<tr data-team="Blue">.*?<td class="num">3</td>\s*<td class="num">1</td>\s*<td class="num">2</td>',
                     agents, re.S)
    agent_page = manager.get(f"/t/ackco/agents/{world['alma'].id}").get_data(as_text=True)
    assert "1 of 2 evaluations" in agent_page and "1 waiting" in agent_page


def test_a_dispute_request_is_declined_or_raised_by_the_lead(world, client, login):
    first, second = world["alma_ids"]
    for evaluation_id in (first, second):
        response = client.post(f"{_link(world)}/evaluations/{evaluation_id}/dispute-request",
                               data={"reason": "I did greet, at the very start."})
        assert response.status_code == 302
    assert client.post(f"{_link(world)}/evaluations/{first}/dispute-request", data={"reason": ""}).status_code == 302
    manager = login(world["manager"])
    listing = manager.get("/t/ackco/agent-requests?status=pending").get_data(as_text=True)
    assert listing.count("I did greet, at the very start.") == 2
    with tenant_scope(world["tenant"].id):
        requests = {r.evaluation_id: r.id for r in db.session.scalars(select(DisputeRequest))}
    refused = manager.post(f"/t/ackco/agent-requests/{requests[first]}/decline", data={"answer": " "})
    assert refused.status_code == 422 and "Tell the agent why" in refused.get_data(as_text=True)
    assert manager.post(f"/t/ackco/agent-requests/{requests[first]}/decline",
                        data={"answer": "The recording starts with the customer."}).status_code == 302
    with tenant_scope(world["tenant"].id):
        evaluation = db.session.get(Evaluation, second)
        disputes.raise_dispute(evaluation, {"r-" + world["card"].key("Greets"): "The agent greeted."},
                               world["manager"], world["tenant"])
    assert "Disputed" in manager.get("/t/ackco/agent-requests?status=disputed").get_data(as_text=True)
    client.post("/logout")
    declined = client.get(f"{_link(world)}/evaluations/{first}").get_data(as_text=True)
    assert "The recording starts with the customer." in declined
    assert "Your team lead raised a dispute" in client.get(f"{_link(world)}/evaluations/{second}").get_data(as_text=True)


def _outbox_files(app) -> set[Path]:
    return set(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))


def test_the_link_is_emailed_once_when_the_tenant_sends_directly(app, world, login, client, runner):
    tenant = world["tenant"]
    tenant.settings = {**(tenant.settings or {}), "agent_feedback_route": links.DIRECT}
    db.session.commit()
    before = _outbox_files(app)
    manager = login(world["manager"])
    issued = manager.post(f"/t/ackco/agents/{world['alma'].id}/link").get_data(as_text=True)
    assert "It is being e-mailed to alma@client.example" in issued
    url = re.search(r'value="(http[^"]+/a/[^"]+/)"', issued)[1]
    assert manager.post(f"/t/ackco/agents/{world['bo'].id}/link").status_code == 200  # no e-mail: handed over
    with all_tenants("test inspection"):
        link_id = db.session.scalar(select(AgentLink.id).where(AgentLink.agent_id == world["alma"].id)
                                    .order_by(AgentLink.id.desc()).limit(1))
        assert db.session.scalar(select(func.count(AgentLinkDelivery.id))) == 1
        assert db.session.scalar(select(func.count(OutboxEntry.id)).where(
            OutboxEntry.func.endswith("send_agent_link"))) == 1
    jobs.send_agent_link(tenant.id, link_id)
    # A retry, a second worker, the CLI: nothing more is sent.
    assert runner.invoke(args=["agent-links", "send-link", str(tenant.id), str(link_id)]).exit_code == 0
    sent = _outbox_files(app) - before
    assert len(sent) == 1
    message = email.message_from_bytes(next(iter(sent)).read_bytes())
    text = message.get_payload(decode=True).decode()
    assert message["To"] == "alma@client.example" and url in text
    assert GRADER_NAME not in text and world["pseudonym"] not in text
    client.post("/logout")
    assert client.get(url.split("127.0.0.1:5000", 1)[-1]).status_code == 200
    assert client.get(f"{_link(world)}/").status_code == 410  # the earlier link was replaced


def test_the_link_endpoint_is_rate_limited(world, client, limits):
    limits(AGENT_LINK_RATE_LIMIT="3 per minute")
    guesses = [client.get("/a/" + f"{n}" * links.TOKEN_LENGTH + "/").status_code for n in range(3)]
    assert guesses == [404, 404, 404]
    refused = client.get(f"{_link(world)}/")
    assert refused.status_code == 429 and "Try again in" in refused.get_data(as_text=True)


def test_the_tenant_chooses_the_feedback_route(world, login, build):
    admin = login(build.admin())
    url = f"/admin/tenants/{world['tenant'].id}/edit"
    assert "Feedback reaches agents" in admin.get(url).get_data(as_text=True)
    base = {"name": "Ack Co", "timezone": "UTC", "active": "y"}
    assert admin.post(url, data={**base, "agent_feedback_route": "carrier-pigeon"}).status_code == 422
    assert admin.post(url, data={**base, "agent_feedback_route": links.DIRECT}).status_code == 302
    db.session.expire_all()
    assert world["tenant"].setting("agent_feedback_route") == links.DIRECT


def test_the_demo_has_links_and_answered_and_waiting_feedback(app, runner, client):
    from tests.integration.test_demo import HISTORY, load

    output = load(runner, *HISTORY).output
    url = re.search(r"agent's own page (http\S+)", output)[1]
    page = client.get(url.split("127.0.0.1:5000", 1)[-1])
    assert page.status_code == 200 and "Your quality feedback" in page.get_data(as_text=True)
    with app.app_context(), all_tenants("test: demo feedback"):
        acknowledged = db.session.scalar(select(func.count(Acknowledgment.id)))
        evaluations = db.session.scalar(select(func.count(Evaluation.id)).where(Evaluation.status == "submitted"))
        assert 0 < acknowledged < evaluations  # answered and waiting feedback
        live = select(func.count(AgentLink.id)).where(AgentLink.revoked_at.is_(None))
        assert db.session.scalar(live) == db.session.scalar(select(func.count(Agent.id)))
        assert db.session.scalar(select(func.count(Agent.id)).where(Agent.email.is_not(None))) > 0
