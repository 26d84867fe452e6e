"""The graders' daily capacity page: who can take how much, edited inline, and what the hand-out does with it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.integration import sla_helpers as sla
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.sla import planner
from vendor_qa.sla.models import GraderCapacity
from vendor_qa.sla.settings import grader_capacities
from vendor_qa.tenants.scoping import tenant_scope

HTMX = {"HX-Request": "true"}
MESSAGE = "Give a whole number of evaluations a day, from 0 to 500."


def _stored(grader_id: int) -> int | None:
    return db.session.scalar(select(GraderCapacity.daily_capacity).where(GraderCapacity.grader_id == grader_id))


def _planned(build, tenant) -> dict[int, int]:
    """Plan a whole week of one agent's calls (six samples); the assignments each grader was given."""
    agent = build.agent(tenant)
    sla.add_calls(tenant, agent, [(60, None), (600, None)] * 5)
    with tenant_scope(tenant.id):
        planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=7))
        return dict(db.session.execute(select(Assignment.grader_id, func.count()).group_by(Assignment.grader_id))
                    .tuples().all())


def test_the_page_lists_active_graders_with_their_tenants_work_and_capacity(build, login, client):
    tenant = sla.sla_tenant(build, slug="cap-list")
    busy = build.user("grader", certify=[tenant], name="Busy Grader")
    idle = build.user("grader", name="Idle Grader")
    gone = build.user("grader", certify=[tenant], name="Gone Grader")
    gone.active = False
    db.session.commit()
    _planned(build, tenant)  # six samples of the agent, all to the only certified active grader
    client = login(build.admin())

    board = client.get("/sla/").get_data(as_text=True)
    assert 'href="/admin/sla/capacity"' in board
    html = client.get("/admin/sla/capacity").get_data(as_text=True)
    assert "Busy Grader" in html and busy.pseudonym in html and tenant.name in html
    assert "Idle Grader" in html and "Gone Grader" not in html
    row = html[html.index(f'id="grader-{busy.id}"'):]
    assert '<td class="num" data-cell="open">6</td>' in row  # the agent's six samples
    assert '<td class="num" data-cell="free">54</td>' in row  # 60 a day by default
    assert f'id="capacity-{idle.id}"' in html and 'value="60"' in html


def test_the_list_is_paginated(app, build, login, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(3):
        build.user("grader", name=f"Grader {n}")
    client = login(build.admin())
    first = client.get("/admin/sla/capacity").get_data(as_text=True)
    second = client.get("/admin/sla/capacity?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Grader 0" in first and "Grader 2" not in first
    assert "Grader 2" in second


def test_an_inline_edit_saves_the_capacity_and_the_hand_out_uses_it(build, login, client):
    tenant = sla.sla_tenant(build, slug="cap-edit")
    resting, working = build.grader(tenant), build.grader(tenant)
    client = login(build.admin())

    response = client.post(f"/admin/sla/capacity/{resting.id}", data={"daily_capacity": "0"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="grader-{resting.id}"') and "saved" in html and "<html" not in html
    assert _stored(resting.id) == 0
    assert grader_capacities(tenant.id) == {resting.id: 0, working.id: 60}
    assert _planned(build, tenant) == {working.id: 6}  # nothing for the grader at 0 a day

    again = client.post(f"/admin/sla/capacity/{resting.id}", data={"daily_capacity": "75"}, headers=HTMX)
    assert again.status_code == 200 and _stored(resting.id) == 75


def test_without_javascript_the_form_posts_and_comes_back(build, login, client):
    grader = build.grader()
    client = login(build.admin())
    response = client.post(f"/admin/sla/capacity/{grader.id}", data={"daily_capacity": "40"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/sla/capacity?page=1#grader-{grader.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{grader.name} ({grader.pseudonym}) can now take 40 evaluations a day." in page
    assert _stored(grader.id) == 40


@pytest.mark.parametrize("value", ["", "abc", "7.5", "-1", "501", "1e3"])
def test_a_wrong_capacity_is_refused_with_what_to_type_and_nothing_is_saved(build, login, client, value):
    grader = build.grader()
    client = login(build.admin())
    client.post(f"/admin/sla/capacity/{grader.id}", data={"daily_capacity": "30"})

    fragment = client.post(f"/admin/sla/capacity/{grader.id}", data={"daily_capacity": value}, headers=HTMX)
    assert fragment.status_code == 422
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith("<tr") and MESSAGE in html and 'aria-invalid="true"' in html
    page = client.post(f"/admin/sla/capacity/{grader.id}", data={"daily_capacity": value})
    assert page.status_code == 422 and MESSAGE in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    assert _stored(grader.id) == 30


def test_only_active_graders_have_a_capacity_to_set(build, login, client):
    admin = build.admin()
    inactive = build.grader()
    inactive.active = False
    db.session.commit()
    client = login(admin)
    for user_id in (admin.id, inactive.id, 999_999):
        assert client.post(f"/admin/sla/capacity/{user_id}", data={"daily_capacity": "10"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(GraderCapacity)) == 0
