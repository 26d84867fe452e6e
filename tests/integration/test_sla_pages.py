"""The SLA board, a tenant's week, policy editing with history, exclusions, the client page and the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.integration import sla_helpers as sla
from vendor_qa import clock, periods
from vendor_qa.auth.models import User
from vendor_qa.calibration import service
from vendor_qa.extensions import db
from vendor_qa.sla import planner
from vendor_qa.sla.models import AgentExclusion, SlaPolicy
from vendor_qa.sla.settings import policy_for_week
from vendor_qa.tenants.scoping import tenant_scope

POLICY_FORM = {"minimum": "3", "target": "5", "maximum": "7", "low_rating_threshold": "1",
               "priority_turnaround_hours": "12", "sample_turnaround_hours": "48", "short_call_seconds": "120",
               "short_share_percent": "40", "compliance_target_percent": "90", "channels": ["phone", "chat"]}


def _planned_tenant(build, slug="acme-sla"):
    """A tenant with two agents planned in the current week, and a grader holding the work."""
    tenant = sla.sla_tenant(build, slug=slug)
    build.grader(tenant)
    week = periods.week_of(clock.now(), tenant.timezone)
    agents = [build.agent(tenant, display_name=name) for name in ("Ada Agent", "Bo Agent")]
    for agent in agents:
        sla.add_calls(tenant, agent, [(60, None), (600, None)] * 5 + [(300, 1)], week=week)
    with tenant_scope(tenant.id):
        planner.plan_week(tenant.id, week, clock.now())
    return tenant, week, agents


def test_the_board_shows_each_tenant_and_refreshes_itself(app, build, login):
    tenant, week, _ = _planned_tenant(build)
    client = login(build.admin())

    page = client.get("/sla/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert tenant.name in html and week in html
    assert 'hx-trigger="every 15s"' in html
    fragment = client.get("/sla/", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith("<section id=\"sla-board\"") and "<html" not in fragment
    assert "0 / 8" in fragment  # two agents, minimum 4 each, nothing evaluated yet


def test_the_week_page_lists_agents_with_their_assignments(app, build, login):
    tenant, week, agents = _planned_tenant(build)
    client = login(build.admin())
    html = client.get(f"/sla/{tenant.slug}/{week}").get_data(as_text=True)
    assert all(a.display_name in html for a in agents)
    assert "low rating" in html and "sample" in html
    assert client.get(f"/sla/{tenant.slug}/2026-W99").status_code == 404
    assert client.get(f"/sla/{tenant.slug}/").headers["Location"].endswith(f"/sla/{tenant.slug}/{week}")


def test_a_policy_change_applies_from_next_week_and_keeps_its_history(app, build, login):
    tenant = sla.sla_tenant(build, slug="policy-co")
    client = login(build.admin())
    this_week = periods.week_of(clock.now(), tenant.timezone)

    response = client.post(f"/sla/{tenant.slug}/policy", data=POLICY_FORM)
    assert response.status_code == 302
    client.post(f"/sla/{tenant.slug}/policy", data={**POLICY_FORM, "target": "6"})  # rewrites the pending row

    with tenant_scope(tenant.id):
        assert policy_for_week(tenant.id, this_week).minimum == 4  # this week keeps the standard policy
        upcoming = policy_for_week(tenant.id, periods.next_week(this_week))
        assert (upcoming.minimum, upcoming.target, upcoming.channels) == (3, 6, frozenset({"phone", "chat"}))
        assert db.session.scalar(select(func.count(SlaPolicy.id))) == 1
    html = client.get(f"/sla/{tenant.slug}/policy").get_data(as_text=True)
    assert periods.next_week(this_week) in html


def test_a_wrong_policy_is_refused_and_nothing_is_saved(app, build, login):
    tenant = sla.sla_tenant(build, slug="wrong-co")
    client = login(build.admin())
    response = client.post(f"/sla/{tenant.slug}/policy", data={**POLICY_FORM, "minimum": "9"})
    assert response.status_code == 422
    assert "minimum ≤ target ≤ maximum" in response.get_data(as_text=True)
    response = client.post(f"/sla/{tenant.slug}/policy", data={**POLICY_FORM, "channels": [], "target": "x"})
    assert response.status_code == 422
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(func.count(SlaPolicy.id))) == 0


def test_exclusions_name_agents_by_code_and_refuse_unknown_ones(app, build, login):
    tenant = sla.sla_tenant(build, slug="leave-co")
    agent = build.agent(tenant)
    client = login(build.admin())
    form = {"agent": agent.code, "from_date": "2026-11-16", "to_date": "2026-11-18", "reason": "leave"}
    assert client.post(f"/sla/{tenant.slug}/exclusions", data=form).status_code == 302
    assert client.post(f"/sla/{tenant.slug}/exclusions", data={**form, "agent": "nobody"}).status_code == 422
    assert client.post(f"/sla/{tenant.slug}/exclusions", data={**form, "to_date": "2026-11-01"}).status_code == 422
    with tenant_scope(tenant.id):
        assert db.session.scalars(select(AgentExclusion.agent_id)).all() == [agent.id]


def test_client_managers_see_their_own_week_read_only(app, build, login):
    tenant, week, agents = _planned_tenant(build)
    client = login(build.manager(tenant))
    html = client.get(f"/t/{tenant.slug}/sla/").get_data(as_text=True)
    assert agents[0].display_name in html and week in html
    assert html.count('method="post"') == 1  # logging out is all a manager can post here
    pseudonyms = db.session.scalars(select(User.pseudonym).where(User.pseudonym.is_not(None))).all()
    assert pseudonyms and not any(p in html for p in pseudonyms)  # no grader, not even by pseudonym
    assert client.get(f"/t/{tenant.slug}/sla/?week=2026-W99").status_code == 400
    assert client.get(f"/t/{tenant.slug}/sla/?week=2026-W40").status_code == 200


def test_the_api_returns_the_weeks_rows_and_totals(app, build, client, time_machine):
    time_machine.move_to(datetime(2026, 11, 29, 18, 0, tzinfo=UTC))  # Sunday: the week's plan is whole
    tenant, week, agents = _planned_tenant(build)
    token = {"Authorization": f"Bearer {build.token(tenant)}"}
    body = client.get(f"/api/v1/sla?week={week}", headers=token).get_json()
    assert body["week"] == week and body["closed"] is False
    assert {row["name"] for row in body["agents"]} == {a.display_name for a in agents}
    assert all(row["assigned"] == 6 and row["required"] == 4 for row in body["agents"])
    assert body["totals"]["agents"] == 2
    bad = client.get("/api/v1/sla?week=47", headers=token)
    assert bad.status_code == 400 and "2026-W47" in bad.get_json()["message"]
    document = client.get("/api/v1/openapi.json").get_json()
    assert "week" in [p["name"] for p in document["paths"]["/sla"]["get"]["parameters"]]
    assert "SlaWeek" in document["components"]["schemas"]


def test_the_board_shows_whether_each_tenants_calibration_is_up_to_date(app, build, login):
    off = sla.sla_tenant(build, slug="cal-off")
    off.settings = {"calibration_every_days": 0}
    recent = sla.sla_tenant(build, slug="cal-recent")
    overdue = sla.sla_tenant(build, slug="cal-overdue")  # the default cadence, 14 days, and no session
    db.session.commit()
    graders = [build.grader(recent).id, build.grader(recent).id]
    call = build.call(build.agent(recent))
    with tenant_scope(recent.id):
        service.create_session(recent, call, graders, clock.now() + timedelta(days=3), None)
        db.session.commit()

    html = login(build.admin()).get("/sla/", headers={"HX-Request": "true"}).get_data(as_text=True)

    def cell(tenant):
        row = html[html.index(f'data-tenant="{tenant.slug}"'):]
        return row[row.index('data-cell="calibration"'):row.index("</td>", row.index('data-cell="calibration"'))]

    assert "no cadence" in cell(off)
    assert "up to date" in cell(recent) and (clock.now() + timedelta(days=14)).strftime("%Y-%m-%d") in cell(recent)
    assert "due" in cell(overdue) and "never" in cell(overdue)
    assert f'href="/t/{recent.slug}/calibration/"' in cell(recent)
