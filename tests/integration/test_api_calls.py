"""POST /api/v1/calls: an integration pushes calls with its tenant's token."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from vendor_qa import clock
from vendor_qa.calls.ingest import ingest
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.extensions import db
from vendor_qa.tenants.models import ApiToken
from vendor_qa.tenants.scoping import tenant_scope


def a_call(n: int = 1, **fields) -> dict:
    call = {"external_id": f"call-{n}", "agent_external_id": "agent-7", "agent_name": "Ada Ames",
            "team": "Billing", "started_at": "2026-11-20T14:05:00+01:00", "duration_seconds": 300,
            "channel": "chat", "customer_rating": 2, "topic": "billing",
            "recording_url": "https://recordings.example.com/1.mp3",
            "transcript": "Agent: Hello.\nCustomer: Hi.", "metadata": {"queue": "north"}}
    call.update(fields)
    return call


def post(client, token: str | None, body, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/calls", json=body, headers=headers, **kwargs)


def calls_of(tenant) -> list[Call]:
    with tenant_scope(tenant.id):
        return db.session.scalars(select(Call).order_by(Call.external_id)).all()


@pytest.fixture
def tenant(build):
    return build.tenant()


@pytest.fixture
def token(build, tenant):
    return build.token(tenant)


def test_new_calls_are_created_with_their_agent_and_team(client, tenant, token):
    response = post(client, token, {"calls": [a_call(1), a_call(2, customer_rating=None)]})

    assert response.status_code == 200
    assert response.json == {"created": 2, "updated": 0}
    first, second = calls_of(tenant)
    assert first.started_at == datetime(2026, 11, 20, 13, 5, tzinfo=timezone.utc)  # stored in UTC
    assert (first.channel, first.customer_rating, first.topic, first.extra) == ("chat", 2, "billing", {"queue": "north"})
    assert second.customer_rating is None
    with tenant_scope(tenant.id):
        agent = db.session.scalar(select(Agent))
        assert (agent.external_id, agent.display_name, agent.team.name) == ("agent-7", "Ada Ames", "Billing")
        assert first.agent_id == second.agent_id == agent.id


def test_sending_a_call_again_updates_it_and_never_duplicates_it(client, tenant, token):
    post(client, token, {"calls": [a_call(1), a_call(2)]})

    response = post(client, token, {"calls": [a_call(1, duration_seconds=42, customer_rating=5), a_call(3)]})

    assert response.json == {"created": 1, "updated": 1}
    calls = calls_of(tenant)
    assert [c.external_id for c in calls] == ["call-1", "call-2", "call-3"]
    assert (calls[0].duration_seconds, calls[0].customer_rating) == (42, 5)


def test_an_existing_agent_keeps_its_name_and_team(client, build, tenant, token):
    agent = build.agent(tenant, external_id="agent-7", display_name="Kept Name")

    post(client, token, {"calls": [a_call(1, agent_name="Other Name", team="Other Team")]})

    with tenant_scope(tenant.id):
        assert db.session.get(Agent, agent.id).display_name == "Kept Name"
        assert db.session.scalar(select(func.count(Team.id))) == 0
    assert calls_of(tenant)[0].agent_id == agent.id


def test_new_agents_share_a_team_created_once(client, tenant, token):
    calls = [a_call(n, agent_external_id=f"agent-{n}", agent_name=None) for n in range(3)]

    post(client, token, {"calls": calls})

    with tenant_scope(tenant.id):
        agents = db.session.scalars(select(Agent).order_by(Agent.external_id)).all()
        assert [a.display_name for a in agents] == ["agent-0", "agent-1", "agent-2"]
        assert {a.team_id for a in agents} == {db.session.scalar(select(Team.id))}
        assert len({a.code for a in agents}) == 3


def test_one_invalid_call_rejects_the_whole_batch(client, tenant, token):
    response = post(client, token, {"calls": [a_call(1), a_call(2, started_at="2026-11-20T14:05:00",
                                                                   customer_rating=7)]})

    assert response.status_code == 422
    assert response.json == {"errors": [
        {"index": 1, "field": "started_at", "message": "must include a UTC offset, e.g. +01:00 or Z"},
        {"index": 1, "field": "customer_rating", "message": "must be at most 5"},
    ]}
    assert calls_of(tenant) == []
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(func.count(Agent.id))) == 0


def test_a_duplicate_external_id_in_one_batch_is_refused(client, tenant, token):
    response = post(client, token, {"calls": [a_call(1), a_call(1)]})

    assert response.status_code == 422
    assert response.json["errors"] == [{"index": 1, "field": "external_id", "message": "repeats the call at index 0"}]
    assert calls_of(tenant) == []


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
def test_a_missing_or_wrong_token_answers_401(client, tenant, headers):
    response = client.post("/api/v1/calls", json={"calls": [a_call()]}, headers=headers)

    assert response.status_code == 401
    assert "API token" in response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert calls_of(tenant) == []


def test_a_revoked_token_answers_401(client, tenant, token):
    with tenant_scope(tenant.id):
        db.session.scalar(select(ApiToken)).revoked_at = clock.now()
        db.session.commit()

    assert post(client, token, {"calls": [a_call()]}).status_code == 401


def test_each_tenant_writes_its_own_calls(client, build, tenant, token):
    other = build.tenant()
    other_token = build.token(other)

    post(client, token, {"calls": [a_call(1)]})
    response = post(client, other_token, {"calls": [a_call(1, duration_seconds=9)]})

    assert response.json == {"created": 1, "updated": 0}  # the same external id is another call there
    assert calls_of(tenant)[0].duration_seconds == 300
    assert calls_of(other)[0].duration_seconds == 9


def test_using_a_token_is_recorded(client, tenant, token):
    post(client, token, {"calls": []})

    with tenant_scope(tenant.id):
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


@pytest.mark.parametrize("body, expected", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00", "not valid JSON"),
    (b"", "not valid JSON"),
    (b"[]", "list of calls"),
    (b'{"calls": {"external_id": "x"}}', "list of calls"),
    (b'{"call": []}', "list of calls"),
])
def test_a_malformed_body_answers_400_with_a_message(client, token, body, expected):
    response = client.post("/api/v1/calls", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 400
    assert expected in response.json["message"]


def test_an_oversized_batch_answers_413(app, client, token, monkeypatch):
    monkeypatch.setitem(app.config, "API_MAX_BATCH", 2)

    response = post(client, token, {"calls": [a_call(n) for n in range(3)]})

    assert response.status_code == 413
    assert "At most 2 calls" in response.json["message"]


def test_ingest_returns_the_ids_it_wrote(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        first = ingest(tenant.id, [a_call(1), a_call(2)])
        again = ingest(tenant.id, [a_call(2), a_call(3)])
        ids = dict(db.session.execute(select(Call.external_id, Call.id)).all())

    assert sorted(first.call_ids) == sorted([ids["call-1"], ids["call-2"]])
    assert sorted(again.call_ids) == sorted([ids["call-2"], ids["call-3"]])
    assert (again.created, again.updated) == (1, 1)


def test_a_new_agent_whose_short_code_is_taken_gets_another(client, build, tenant, token, monkeypatch):
    build.agent(tenant, code="AG-AAAAA")
    codes = iter(["AG-AAAAA", "AG-BBBBB"])
    monkeypatch.setattr("vendor_qa.calls.ingest.new_agent_code", lambda: next(codes))

    response = post(client, token, {"calls": [a_call(1, agent_external_id="newcomer")]})

    assert response.status_code == 200
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(Agent.code).where(Agent.external_id == "newcomer")) == "AG-BBBBB"
