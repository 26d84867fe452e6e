"""GET /api/v1/evaluations: a tenant's submitted evaluations for its own systems."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from openapi_core import OpenAPI

from tests.integration import grading_helpers as gh
from tests.integration.test_openapi import call as documented_call, check
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import Assignment
from vendor_qa.tenants.scoping import tenant_scope

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def acme(build):
    tenant = build.tenant(slug="acme", timezone="Europe/Oslo")
    agent = build.agent(tenant, external_id="emp-17")
    grader = build.grader(tenant)
    card = gh.scorecard(tenant)
    return dict(tenant=tenant, agent=agent, grader=grader, card=card, token=build.token(tenant))


def get(client, token, query: str = ""):
    return client.get(f"/api/v1/evaluations{query}", headers={"Authorization": f"Bearer {token}"})


def evaluate(build, acme, minutes: int = 0, form=None, **call_fields) -> int:
    call = build.call(acme["agent"], **call_fields)
    return gh.submitted_evaluation(acme["tenant"], call, acme["grader"], acme["card"], form=form,
                                   submitted_at=T0 + timedelta(minutes=minutes))


def test_a_token_is_required(client):
    assert client.get("/api/v1/evaluations").status_code == 401


def test_the_payload_carries_everything_a_client_needs(build, acme, client):
    card = acme["card"]
    form = {**card.answers(name="partial", steps="2"), **card.comment("Asks", "Never used the name"),
            **card.comment("Explains", "Vague"), "feedback_good": "Fast.", "feedback_improve": "Use names."}
    evaluation_id = evaluate(build, acme, form=form, external_id="X-9")
    response = get(client, acme["token"])
    assert response.status_code == 200
    body = response.json
    assert (body["page"], body["page_size"], body["next_page"]) == (1, 100, None)
    [item] = body["evaluations"]
    assert item["id"] == evaluation_id
    assert (item["call_external_id"], item["agent_external_id"]) == ("X-9", "emp-17")
    assert item["scorecard"] == {"name": "Inbound calls", "version": 1}
    assert (item["total"], item["band"], item["passed"], item["auto_failed"]) == (81.25, "good", True, False)
    assert item["feedback"] == {"went_well": "Fast.", "to_improve": "Use names."}
    assert item["grader"] == gh.pseudonym(acme["tenant"], acme["grader"])
    assert (item["submitted_at"], item["revision"]) == ("2026-11-20T08:00:00Z", 1)
    assert [c["text"] for c in item["criteria"]] == [c["text"] for s in gh.CRITERIA.values() for c in s]
    asks = item["criteria"][1]
    assert asks == {"key": card.key("Asks"), "text": "Asks for the customer's name", "section": "Opening",
                    "answer": "partial", "applicable": True, "earned": 5.0, "possible": 10.0,
                    "missed_critical": False, "comment": "Never used the name"}


def test_only_the_tenants_submitted_evaluations(build, acme, client):
    mine = evaluate(build, acme)
    other = build.tenant()
    gh.submitted_evaluation(other, build.call(build.agent(other)), build.grader(other), gh.scorecard(other))
    draft_call = build.call(acme["agent"])
    assignment_id = gh.held_assignment(acme["tenant"], draft_call, acme["grader"], acme["card"])
    with tenant_scope(acme["tenant"].id):
        evaluations.open_form(db.session.get(Assignment, assignment_id))
    assert [e["id"] for e in get(client, acme["token"]).json["evaluations"]] == [mine]


@pytest.mark.parametrize("since, expected", [
    ("2026-11-20T08:30:00Z", [30, 60]),
    ("2026-11-20T09:30:00%2B01:00", [30, 60]),  # the same moment, URL-encoded offset
    ("2026-11-20T09:30:00+01:00", [30, 60]),  # an unencoded + arrives as a space
    ("2026-11-20T08:30:00", [30, 60]),  # no offset: UTC
    ("2026-11-20T08:30:01Z", [60]),
    ("2026-11-21", []),
])
def test_since_keeps_later_evaluations(build, acme, client, since, expected):
    ids = {minutes: evaluate(build, acme, minutes=minutes) for minutes in (0, 30, 60)}
    got = [e["id"] for e in get(client, acme["token"], f"?since={since}").json["evaluations"]]
    assert got == [ids[m] for m in expected]


@pytest.mark.parametrize("query", ["?since=yesterday", "?since=2026-13-01", "?page=0", "?page=two"])
def test_bad_parameters_answer_400_with_a_message(acme, client, query):
    response = get(client, acme["token"], query)
    assert response.status_code == 400
    assert response.json["error"] == "Bad Request"
    assert ("since" if "since" in query else "page") in response.json["message"]


def test_pages_follow_next_page(build, acme, client, monkeypatch):
    monkeypatch.setattr("vendor_qa.api.evaluations.PAGE_SIZE", 2)
    ids = [evaluate(build, acme, minutes=n) for n in range(5)]
    seen, page = [], 1
    while page is not None:
        body = get(client, acme["token"], f"?page={page}").json
        seen += [e["id"] for e in body["evaluations"]]
        page = body["next_page"]
    assert seen == ids  # oldest first, each once
    assert get(client, acme["token"], "?page=9").json == {"evaluations": [], "page": 9, "page_size": 2,
                                                           "next_page": None}


def test_answers_match_the_openapi_document(build, acme, client):
    evaluate(build, acme)
    spec = OpenAPI.from_dict(client.get("/api/v1/openapi.json").json)
    headers = {"Authorization": f"Bearer {acme['token']}"}
    for query in ("", "?since=2026-11-20T08:00:00Z&page=1"):
        response = documented_call(client, "GET", f"/api/v1/evaluations{query}", headers=headers)
        assert response.status_code == 200
        check(spec, response)
    bad = documented_call(client, "GET", "/api/v1/evaluations?since=nope", headers=headers)
    assert bad.status_code == 400
    check(spec, bad)
