"""A client manager's evaluations: the list with its filters and polling, each evaluation's page, the agent page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.integration import grading_helpers as gh

from vendor_qa import clock

HX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def listed(response) -> list[int]:
    """Evaluation ids in the order the list shows them."""
    return [int(n) for n in re.findall(r'data-evaluation="(\d+)"', text(response))]


@pytest.fixture
def acme(build):
    tenant = build.tenant(slug="acme", name="Acme", timezone="Europe/Oslo")
    north, south = build.team(tenant, "North"), build.team(tenant, "South")
    alice = build.agent(tenant, team=north, display_name="Alice Berg", code="AG-ALICE")
    bob = build.agent(tenant, team=south, display_name="Bob Dahl", code="AG-BOBBB")
    grader = build.grader(tenant)
    card = gh.scorecard(tenant)
    return dict(tenant=tenant, north=north, south=south, alice=alice, bob=bob, grader=grader, card=card,
                manager=build.manager(tenant))


@pytest.fixture
def manager(acme, login):
    return login(acme["manager"])


def evaluate(build, acme, agent, form=None, submitted_at=None, **call_fields) -> int:
    call = build.call(agent, **call_fields)
    return gh.submitted_evaluation(acme["tenant"], call, acme["grader"], acme["card"], form=form,
                                   submitted_at=submitted_at)


def failing(card) -> dict[str, str]:
    return {**card.answers(solves="no"), **card.comment("Solves", "Did not solve it"),
            "feedback_good": "Polite", "feedback_improve": "Solve the problem"}


def low(card) -> dict[str, str]:
    """62.5 of 100: the "train" band, not auto-failed."""
    return {**card.answers(greet="no", name="none", steps="4"), **card.comment("Greets", "No hello"),
            **card.comment("Asks", "No name"), "feedback_good": "Solved it", "feedback_improve": "Greet people"}


# ---- the list ----------------------------------------------------------------------------------

def test_the_list_shows_each_evaluation_newest_first(build, acme, manager):
    older = evaluate(build, acme, acme["alice"], external_id="X-old",
                     submitted_at=clock.now() - timedelta(hours=2))
    newer = evaluate(build, acme, acme["bob"], external_id="X-new")
    response = manager.get("/t/acme/evaluations/")
    assert response.status_code == 200
    assert listed(response) == [newer, older]
    page = text(response)
    assert "Alice Berg" in page and "X-old" in page and "Inbound calls" in page and "v1" in page
    assert "<strong>100.0</strong>" in page and "#2e7d32" in page and "pass" in page
    assert gh.pseudonym(acme["tenant"], acme["grader"]) in page and "Keep it up." in page


def test_the_list_refreshes_itself_so_new_work_shows_within_a_minute(build, acme, manager):
    page = text(manager.get("/t/acme/evaluations/?band=good"))
    assert 'hx-get="/t/acme/evaluations/?band=good" hx-trigger="every 30s" hx-target="#results"' in page
    fresh = evaluate(build, acme, acme["alice"])
    poll = manager.get("/t/acme/evaluations/?band=good", headers=HX)
    assert listed(poll) == [fresh]
    assert "<html" not in text(poll) and 'hx-trigger="every 30s"' in text(poll)


def test_filters_by_agent_team_band_and_auto_fail(build, acme, manager):
    card = acme["card"]
    alice_good = evaluate(build, acme, acme["alice"])
    alice_failed = evaluate(build, acme, acme["alice"], form=failing(card))
    bob_train = evaluate(build, acme, acme["bob"], form=low(card))
    base = "/t/acme/evaluations/"
    assert set(listed(manager.get(f"{base}?agent={acme['alice'].id}"))) == {alice_good, alice_failed}
    assert listed(manager.get(f"{base}?team={acme['south'].id}")) == [bob_train]
    assert listed(manager.get(f"{base}?band=train")) == [bob_train]
    assert listed(manager.get(f"{base}?band=re-certify")) == [alice_failed]
    assert listed(manager.get(f"{base}?auto_fail=yes")) == [alice_failed]
    assert set(listed(manager.get(f"{base}?auto_fail=no"))) == {alice_good, bob_train}


def test_filters_by_days_in_the_tenants_zone(build, acme, manager):
    # 23:30 UTC on 19 November is already 20 November in Oslo.
    late = evaluate(build, acme, acme["alice"], submitted_at=datetime(2026, 11, 19, 23, 30, tzinfo=timezone.utc))
    earlier = evaluate(build, acme, acme["alice"], submitted_at=datetime(2026, 11, 19, 22, 30, tzinfo=timezone.utc))
    assert listed(manager.get("/t/acme/evaluations/?from=2026-11-20&to=2026-11-20")) == [late]
    assert listed(manager.get("/t/acme/evaluations/?to=2026-11-19")) == [earlier]


def test_bad_filters_are_reported_not_failed(acme, manager):
    response = manager.get("/t/acme/evaluations/?agent=abc&band=purple&from=2026-13-40&auto_fail=maybe")
    assert response.status_code == 200
    page = text(response)
    assert "These filters were ignored" in page and "Band: is not one of the choices" in page


def test_the_list_is_paginated(build, acme, manager):
    start = clock.now() - timedelta(days=1)
    ids = [evaluate(build, acme, acme["alice"], submitted_at=start + timedelta(minutes=n)) for n in range(27)]
    first, second = manager.get("/t/acme/evaluations/"), manager.get("/t/acme/evaluations/?page=2")
    assert listed(first) == ids[::-1][:25]
    assert listed(second) == ids[::-1][25:]
    assert "Page 1 · more follow" in text(first) and "more follow" not in text(second)  # not counted


def test_drafts_are_not_shown_to_the_client(build, acme, manager):
    from vendor_qa.extensions import db
    from vendor_qa.grading import evaluations
    from vendor_qa.grading.models import Assignment
    from vendor_qa.tenants.scoping import tenant_scope

    call = build.call(acme["alice"])
    assignment_id = gh.held_assignment(acme["tenant"], call, acme["grader"], acme["card"])
    with tenant_scope(acme["tenant"].id):
        draft = evaluations.open_form(db.session.get(Assignment, assignment_id))
        draft_id = draft.id
    assert listed(manager.get("/t/acme/evaluations/")) == []
    assert manager.get(f"/t/acme/evaluations/{draft_id}").status_code == 404


def test_nothing_yet_says_when_evaluations_arrive(acme, manager):
    assert "appear here within a minute" in text(manager.get("/t/acme/evaluations/"))


def test_the_nav_links_to_evaluations(acme, manager):
    assert 'href="/t/acme/evaluations/"' in text(manager.get("/t/acme/"))


# ---- one evaluation ------------------------------------------------------------------------------

def test_the_evaluation_page_shows_everything_the_grader_gave(build, acme, manager):
    card = acme["card"]
    form = {**card.answers(name="partial", steps="2"), **card.comment("Asks", "Never used the name"),
            **card.comment("Explains", "Vague about the refund"),
            "feedback_good": "Solved it fast.", "feedback_improve": "Use the customer's name."}
    evaluation_id = evaluate(build, acme, acme["alice"], form=form, external_id="X-9",
                             submitted_at=datetime(2026, 11, 20, 8, 5, tzinfo=timezone.utc))
    response = manager.get(f"/t/acme/evaluations/{evaluation_id}")
    assert response.status_code == 200
    page = text(response)
    assert "Inbound calls · version 1" in page
    assert gh.pseudonym(acme["tenant"], acme["grader"]) in page
    assert "2026-11-20 09:05" in page  # Oslo time
    assert "<strong>81.3</strong>" in page and "#2e7d32" in page and "pass" in page
    assert "Solved it fast." in page and "Use the customer&#39;s name." in page
    for criterion in gh.CRITERIA["Opening"] + gh.CRITERIA["Resolution"]:
        assert f'data-criterion="{criterion["text"]}"'.replace("'", "&#39;") in page
    assert "Partial" in page and "5 / 10" in page and "Never used the name" in page
    assert '<strong data-value="2" aria-current="true">2</strong>' in page  # 2 among 4 · 3 · 2 · 1 · 0
    assert "2.5 / 5" in page and "Vague about the refund" in page
    assert 'data-section="Opening"' in page and "<strong>66.7</strong>" in page
    assert 'data-section="Resolution"' in page and "<strong>90.0</strong>" in page
    assert "Alice Berg" in page and 'href="/t/acme/calls/' in page


def test_an_auto_fail_is_plain_on_the_page(build, acme, manager):
    evaluation_id = evaluate(build, acme, acme["alice"], form=failing(acme["card"]))
    page = text(manager.get(f"/t/acme/evaluations/{evaluation_id}"))
    assert "auto-fail" in page and "critical missed" in page and "fail" in page and "<strong>0.0</strong>" in page


def test_another_tenants_evaluation_is_not_found(build, acme, manager, login, client):
    other = build.tenant(slug="globex")
    stranger = build.agent(other)
    card = gh.scorecard(other)
    foreign = gh.submitted_evaluation(other, build.call(stranger), build.grader(other), card)
    assert manager.get(f"/t/acme/evaluations/{foreign}").status_code == 404
    assert manager.get(f"/t/globex/evaluations/{foreign}").status_code == 404
    own = evaluate(build, acme, acme["alice"])
    login(build.manager(other))
    assert client.get(f"/t/globex/evaluations/{own}").status_code == 404
    assert listed(client.get("/t/globex/evaluations/")) == [foreign]


# ---- the agent page --------------------------------------------------------------------------------

def test_the_agent_page_shows_recent_evaluations_with_feedback(build, acme, manager):
    card = acme["card"]
    mine = evaluate(build, acme, acme["alice"], form=low(card))
    evaluate(build, acme, acme["bob"])
    page = text(manager.get(f"/t/acme/agents/{acme['alice'].id}"))
    assert f'href="/t/acme/evaluations/{mine}"' in page
    assert "Greet people" in page and "<strong>62.5</strong>" in page
    assert f"/t/acme/evaluations/?agent={acme['alice'].id}" in page
    assert page.count('href="/t/acme/evaluations/') == 2 + 1  # the row, the "all" link, the nav
