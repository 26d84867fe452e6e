"""Evidence behind a score: quoted transcript lines and recording times, checked, stored masked, shown to the client;
and the comments the form asks for, required by the server whatever the browser did."""

from __future__ import annotations

import pytest
from markupsafe import escape

from tests.integration import grading_helpers as gh
from vendor_qa.extensions import db
from vendor_qa.grading.evidence import MAX_QUOTES, NOT_A_QUOTE, TOO_MANY
from vendor_qa.grading.models import Assignment
from vendor_qa.tenants.scoping import all_tenants

HX = {"HX-Request": "true"}
TRANSCRIPT = ("Agent: Hello, Alice Berg speaking.\n"
              "Customer: Call me on +47 912 34 567 please.\n"
              "Agent: I will fix the bill today.")


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(build, login):
    tenant = build.tenant(slug="acme", name="Acme", timezone="Europe/Oslo")
    agent = build.agent(tenant, display_name="Alice Berg", code="AG-ALICE")
    call = build.call(agent, external_id="X-1", duration_seconds=120, transcript=TRANSCRIPT)
    grader = build.grader(tenant)
    card = gh.scorecard(tenant)
    assignment_id = gh.held_assignment(tenant, call, grader, card)
    client = login(grader)
    client.post(f"/grading/assignments/{assignment_id}/start")
    return dict(tenant=tenant, card=card, id=assignment_id, client=client, grader=grader,
                manager=build.manager(tenant))


def url(world, suffix: str = "") -> str:
    return f"/grading/assignments/{world['id']}{suffix}"


def quoting(card, start: str, tokens: str) -> dict[str, str]:
    return {"q-" + card.key(start): tokens}


def stored(world):
    with all_tenants("test inspection"):
        assignment = db.session.get(Assignment, world["id"])
        db.session.refresh(assignment)
        return assignment.status, assignment.evaluation


def test_a_quoted_line_is_stored_masked_beside_a_quoted_time(world):
    card = world["card"]
    form = {**gh.strict(card), **quoting(card, "Asks", "line:1 time:65"), **quoting(card, "Greets", "line:0")}
    response = world["client"].post(url(world), data=form)
    assert response.status_code == 302, text(response)[:500]
    status, evaluation = stored(world)
    assert status == "submitted"
    assert evaluation.evidence == {
        card.key("Asks"): [{"line": 1, "text": "Customer: Call me on [phone] please."}, {"at": 65}],
        card.key("Greets"): [{"line": 0, "text": "Agent: Hello, [name] speaking."}],  # the tenant hides names
    }
    assert "912" not in str(evaluation.evidence) and "Alice" not in str(evaluation.evidence)


@pytest.mark.parametrize("tokens, message", [
    ("line:3", NOT_A_QUOTE),  # the transcript has lines 0..2
    ("time:121", NOT_A_QUOTE),  # the call lasts 120 s
    ("line:-1", NOT_A_QUOTE),
    ("line:1.5", NOT_A_QUOTE),
    ("Customer: anything I like", NOT_A_QUOTE),  # text is taken from the call, never from the browser
    (" ".join(f"time:{n}" for n in range(MAX_QUOTES + 1)), TOO_MANY),
])
def test_a_quote_outside_the_call_is_a_form_error_and_nothing_is_submitted(world, tokens, message):
    card = world["card"]
    form = {**gh.strict(card), **quoting(card, "Asks", tokens)}
    response = world["client"].post(url(world), data=form)
    assert response.status_code == 422
    assert escape(message) in text(response)
    status, evaluation = stored(world)
    assert status == "in_progress" and evaluation.status == "draft" and evaluation.evidence == {}


def test_a_draft_keeps_its_quotes_and_the_form_shows_them(world):
    card = world["card"]
    key = card.key("Asks")
    response = world["client"].post(url(world, "/draft"), data={**card.answers(name="partial"),
                                                                 **quoting(card, "Asks", "time:7 line:2")}, headers=HX)
    assert response.status_code == 200
    assert stored(world)[1].evidence == {key: [{"at": 7}, {"line": 2, "text": "Agent: I will fix the bill today."}]}
    page = text(world["client"].get(url(world)))
    assert f'name="q-{key}" value="time:7 line:2"' in page
    assert "<q>Agent: I will fix the bill today.</q>" in page and "at 0:07" in page


def test_a_bad_quote_is_not_kept_in_a_draft(world):
    card = world["card"]
    world["client"].post(url(world, "/draft"), data=quoting(card, "Asks", "line:2"), headers=HX)
    response = world["client"].post(url(world, "/draft"), data=quoting(card, "Asks", "line:99"), headers=HX)
    assert response.status_code == 422 and escape(NOT_A_QUOTE) in text(response)
    assert stored(world)[1].evidence[card.key("Asks")][0]["line"] == 2


def test_lost_points_need_a_comment_even_with_a_quote(world):
    card = world["card"]
    form = {**gh.full_marks(card), **card.answers(name="partial"), **quoting(card, "Asks", "line:1")}
    response = world["client"].post(url(world), data=form)
    page = text(response)
    assert response.status_code == 422 and "Say why points were lost." in page
    assert stored(world)[0] == "in_progress"
    # Only the comment that is needed is open; the others wait until points are lost.
    asks = page[page.index(f'id="criterion-{card.key("Asks")}"'):page.index(f'id="criterion-{card.key("Solves")}"')]
    greets = page[page.index(f'id="criterion-{card.key("Greets")}"'):page.index(f'id="criterion-{card.key("Asks")}"')]
    assert '<details class="gr-comment" open>' in asks and '<details class="gr-comment">' in greets


def test_the_client_and_the_grader_see_the_quotes_of_a_submitted_evaluation(world, login):
    card = world["card"]
    form = {**gh.strict(card), **quoting(card, "Asks", "line:1"), **quoting(card, "Explains", "time:75")}
    assert world["client"].post(url(world), data=form).status_code == 302
    own = text(world["client"].get(url(world)))  # the grader's read-only view of what they submitted
    evaluation_id = stored(world)[1].id
    client_page = text(login(world["manager"]).get(f"/t/acme/evaluations/{evaluation_id}"))
    for page in (own, client_page):
        assert "<q>Customer: Call me on [phone] please.</q>" in page and "line 2" in page
        assert "at 1:15" in page and "912 34" not in page
