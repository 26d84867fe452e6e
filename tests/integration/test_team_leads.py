"""Team leads: client managers limited to some teams see and act on those teams' people only (issue #12, point 3).

The access matrix proves every route with a lead (404 on another team's ids, 403 on the
tenant-wide pages); these tests check what the lists and the dashboard show a lead.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration import report_data
from tests.integration import test_anonymity as anonymity
from tests.integration.access import LEAD, MANAGER, World
from tests.integration.report_data import FULL, HALF, NONE
from vendor_qa import clock
from vendor_qa.auth.models import Role, User
from vendor_qa.extensions import db
from vendor_qa.tenants.teams import set_lead_teams


@pytest.fixture
def world(build):
    tenant = build.tenant(slug="leads-co")
    north, south = build.team(tenant, "North"), build.team(tenant, "South")
    alma = build.agent(tenant, team=north, display_name="Alma North")
    bo = build.agent(tenant, team=south, display_name="Bo South")
    grader = build.grader(tenant)
    card = report_data.scorecard(tenant)
    at = clock.now() - timedelta(days=1)
    report_data.evaluate(build, tenant, alma, grader, card, [FULL, HALF, FULL], at, topic="north-topic")
    report_data.evaluate(build, tenant, bo, grader, card, [NONE, NONE, HALF], at, topic="south-topic")
    lead = build.manager(tenant)
    set_lead_teams(lead, [north.id])
    db.session.commit()
    return dict(tenant=tenant, north=north, south=south, alma=alma, bo=bo, lead=lead, manager=build.manager(tenant))


@pytest.mark.parametrize("page", ["agents", "calls", "evaluations/", "dashboard", ""])
def test_a_lead_sees_their_teams_people_only(world, login, client, page):
    login(world["lead"])
    body = client.get(f"/t/leads-co/{page}").get_data(as_text=True)
    if page in ("agents", "calls", "evaluations/"):
        assert "Alma North" in body
    assert "Bo South" not in body and "South" not in body


def test_an_unrestricted_manager_sees_every_team(world, login, client):
    login(world["manager"])
    body = client.get("/t/leads-co/agents").get_data(as_text=True)
    assert "Alma North" in body and "Bo South" in body


def test_a_leads_dashboard_is_their_teams_figures(world, login, client):
    login(world["manager"])
    teams_view = client.get(f"/t/leads-co/dashboard?team={world['north'].id}").get_data(as_text=True)
    login(world["lead"])
    lead_view = client.get("/t/leads-co/dashboard").get_data(as_text=True)
    figures = lambda body: body[body.index('id="dashboard-body"'):]  # noqa: E731  (the team choices differ, the figures not)
    assert figures(lead_view) == figures(teams_view)
    assert ">Any<" not in lead_view.split('name="team"')[1].split("</select>")[0]


def test_tenant_wide_pages_are_the_managers(world, login, client):
    login(world["lead"])
    for path in ("scorecards/", "imports/", "reports", "sla/"):
        assert client.get(f"/t/leads-co/{path}").status_code == 403, path
    nav = client.get("/t/leads-co/").get_data(as_text=True)
    assert "Scorecards" not in nav and "Import calls" not in nav


def test_a_vendor_admin_sets_a_managers_teams(world, login, client, build):
    login(build.admin())
    manager = world["manager"]
    form = client.get(f"/admin/users/{manager.id}/edit").get_data(as_text=True)
    assert "North" in form and "South" in form
    response = client.post(f"/admin/users/{manager.id}/edit", data={
        "name": manager.name, "active": "y", "tenant": "leads-co", "teams": [str(world["south"].id)]})
    assert response.status_code == 302
    assert manager.lead_team_ids == {world["south"].id}
    login(manager)
    body = client.get("/t/leads-co/agents").get_data(as_text=True)
    assert "Bo South" in body and "Alma North" not in body


def test_no_page_a_lead_sees_names_a_grader(build, login, client):
    world = World.build(build, second_team=False)
    for grader in db.session.scalars(select(User).where(User.role == Role.GRADER.value)):
        grader.name = f"Quentin Graderson-{grader.id}"
    db.session.commit()
    login(world.own.lead)
    problems = []
    for route in (r for r in anonymity.CLIENT_PAGES if r.allows(LEAD)):
        path = world.own.fill(route.path)
        response = client.get(path)
        assert response.status_code == anonymity._ok(route, MANAGER), path
        problems += [f"{path}: {leak}" for leak in anonymity.leaks(anonymity.readable(response))]
    assert problems == []
