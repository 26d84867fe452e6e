"""An agent's e-mail: through the API, the CSV import and the agent's page (issue #12, point 1)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.integration.job_helpers import run_jobs
from vendor_qa.calls.models import Agent, CallImport
from vendor_qa.extensions import db
from vendor_qa.tenants.scoping import tenant_scope


def a_call(n: int, **fields) -> dict:
    return {"external_id": f"c-{n}", "agent_external_id": "agent-1", "agent_name": "Ada Ames",
            "started_at": "2026-11-20T09:00:00+01:00", "duration_seconds": 60, **fields}


def email_of(tenant, external_id: str = "agent-1") -> str | None:
    with tenant_scope(tenant.id):
        return db.session.scalar(select(Agent.email).where(Agent.external_id == external_id))


@pytest.fixture
def tenant(build):
    return build.tenant()


def api(client, token: str, *calls):
    return client.post("/api/v1/calls", json={"calls": list(calls)}, headers={"Authorization": f"Bearer {token}"})


def test_the_api_sets_the_agents_email_and_a_later_batch_changes_it(client, build, tenant):
    token = build.token(tenant)
    assert api(client, token, a_call(1, agent_email="Ada.Ames@Client.EXAMPLE")).status_code == 200
    assert email_of(tenant) == "Ada.Ames@client.example"  # the domain normalised
    assert api(client, token, a_call(2)).status_code == 200  # no address given: kept
    assert email_of(tenant) == "Ada.Ames@client.example"
    assert api(client, token, a_call(3, agent_email="ada@new.example")).status_code == 200
    assert email_of(tenant) == "ada@new.example"


def test_the_api_refuses_a_bad_address_and_saves_nothing(client, build, tenant):
    response = api(client, build.token(tenant), a_call(1), a_call(2, agent_email="ada@@example"))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [(1, "agent_email")]
    assert "not a valid e-mail address" in errors[0]["message"]
    assert email_of(tenant) is None


def test_the_openapi_document_publishes_the_field(client):
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Call"]
    assert "agent_email" in schema["properties"]


def test_the_csv_import_sets_addresses_and_reports_a_bad_one_by_row(app, client, build, tenant, login):
    login(build.manager(tenant))
    header = "external_id,agent_external_id,started_at,duration_seconds,agent_email\n"
    bad = header + ("c-1,agent-1,2026-11-20T09:00:00Z,60,ada@example.com\n"
                    "c-2,agent-2,2026-11-20T09:00:00Z,60,not-an-address\n")
    for content in (bad, header + "c-1,agent-1,2026-11-20T09:00:00Z,60,ada@example.com\n"):
        response = client.post(f"/t/{tenant.slug}/imports/", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(content.encode()), "calls.csv")})
        assert response.status_code in (200, 302, 303)
        run_jobs(app)
    with tenant_scope(tenant.id):
        first, second = db.session.scalars(select(CallImport).order_by(CallImport.id)).all()
    assert [(e["row"], e["field"]) for e in first.errors] == [(3, "agent_email")]
    assert second.status == "done" and email_of(tenant) == "ada@example.com"


def test_the_agent_page_edits_the_address(client, build, tenant, login):
    agent = build.agent(tenant, display_name="Ada Ames")
    login(build.manager(tenant))
    url = f"/t/{tenant.slug}/agents/{agent.id}"
    response = client.post(f"{url}/email", data={"email": "ada@"})
    assert response.status_code == 422
    assert "not a valid e-mail address" in response.get_data(as_text=True)
    assert email_of(tenant, agent.external_id) is None
    assert client.post(f"{url}/email", data={"email": " ada@client.example "}).status_code == 302
    assert email_of(tenant, agent.external_id) == "ada@client.example"
    assert 'value="ada@client.example"' in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/email", data={"email": ""}).status_code == 302
    assert email_of(tenant, agent.external_id) is None
