"""The agent's quality file: every evaluation, the monthly trend, the ability profile and its change."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.integration import report_data
from tests.integration.report_data import CRITERIA, FULL, HALF, NA, NONE, raw_evaluations
from vendor_qa import periods
from vendor_qa.extensions import db
from vendor_qa.scorecards.models import Criterion
from vendor_qa.scorecards.scoring import display
from vendor_qa.tenants.scoping import tenant_scope


@pytest.fixture
def world(build):
    """Alma's evaluations this month and last month (relative to today), one calibration, and a colleague's."""
    tenant = build.tenant(timezone=report_data.OSLO)
    grader = build.user("grader", certify=[tenant], name="Gerda Graderson", email="gerda.secret@vendor.example")
    alma, bo = build.agent(tenant, display_name="Alma Ask"), build.agent(tenant, display_name="Bo Berg")
    card = report_data.scorecard(tenant)
    this, last = periods.months_back(tenant.zone, 2)
    at = lambda month, hours: month.bounds.start + timedelta(hours=hours)  # noqa: E731
    ids = [
        report_data.evaluate(build, tenant, alma, grader, card, [FULL, HALF, FULL], at(last, 30)),
        report_data.evaluate(build, tenant, alma, grader, card, [NONE, FULL, FULL], at(last, 60)),
        report_data.evaluate(build, tenant, alma, grader, card, [FULL, NONE, NA], at(this, 1)),
    ]
    calibration = report_data.evaluate(build, tenant, alma, grader, card, [NONE, NONE, NONE], at(this, 2),
                                       reason="calibration")
    report_data.evaluate(build, tenant, bo, grader, card, [NONE, NONE, NONE], at(this, 3))
    return dict(tenant=tenant, alma=alma, bo=bo, ids=ids, calibration=calibration, months=(last, this),
                manager=build.manager(tenant))


def _url(world, agent=None) -> str:
    return f"/t/{world['tenant'].slug}/agents/{(agent or world['alma']).id}/quality"


def _counted(world):
    return [r for r in raw_evaluations() if r.agent_id == world["alma"].id and r.reason != "calibration"]


def test_every_evaluation_with_its_link_and_none_of_calibration(world, login, client):
    html = login(world["manager"]).get(_url(world)).get_data(as_text=True)
    listed = [int(i) for i in re.findall(r'<tr data-evaluation="(\d+)">', html)]
    assert sorted(listed) == sorted(world["ids"]) and world["calibration"] not in listed
    for evaluation_id in world["ids"]:
        assert f'href="/t/{world["tenant"].slug}/evaluations/{evaluation_id}"' in html
    assert "Inbound <span class=\"muted\">v1</span>" in html  # the scorecard version
    assert "Slow down." in html and "Good call" in html  # the feedback


def test_the_monthly_trend_is_exact(world, login, client):
    html = login(world["manager"]).get(_url(world)).get_data(as_text=True)
    rows = _counted(world)
    for month in world["months"]:
        mine = [r.total for r in rows if month.bounds.start <= r.submitted_at < month.bounds.end]
        row = re.search(rf'<tr data-month="{month.key}">.*?</tr>', html, re.S)[0]
        assert f'<td class="num">{len(mine)}</td>' in row
        assert display(sum(mine) / len(mine)) in row


def test_the_ability_profile_and_its_change_are_exact(world, login, client):
    ability_of = {text: ability for text, ability, _ in CRITERIA}
    with_keys = {}
    with tenant_scope(world["tenant"].id):
        for key, text in db.session.execute(select(Criterion.key, Criterion.text)):
            with_keys[key] = ability_of[text]
    overall = defaultdict(lambda: [Decimal(0), Decimal(0)])
    monthly = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in _counted(world):
        month = next(m.key for m in world["months"] if m.bounds.start <= r.submitted_at < m.bounds.end)
        for key, applicable, earned, possible in r.criteria:
            if applicable:
                for bucket in (overall[with_keys[key]], monthly[(with_keys[key], month)]):
                    bucket[0] += earned
                    bucket[1] += possible

    html = login(world["manager"]).get(_url(world)).get_data(as_text=True)
    for tag, (earned, possible) in overall.items():
        row = re.search(rf'<tr data-ability="{tag}">.*?</tr>', html, re.S)[0]
        cells = re.findall(r'<td class="num">([^<]*)</td>', row)
        assert cells[0] == display(100 * earned / possible) + "%"
        for month, cell in zip(periods.months_back(world["tenant"].zone, 12), cells[1:]):
            found = monthly.get((tag, month.key))
            assert cell == (display(100 * found[0] / found[1]) + "%" if found else "—")
    assert "Points earned per ability" in html  # the charts' words for screen readers
    assert html.count('role="img" aria-labelledby="chart-title-') == 3


def test_pages_through_every_evaluation(world, login, client, monkeypatch):
    from vendor_qa.reports import views

    monkeypatch.setattr(views, "EVALUATIONS_PER_PAGE", 2)
    client = login(world["manager"])
    first = client.get(_url(world)).get_data(as_text=True)
    second = client.get(_url(world) + "?page=2").get_data(as_text=True)
    listed = re.findall(r'<tr data-evaluation="(\d+)">', first) + re.findall(r'<tr data-evaluation="(\d+)">', second)
    assert sorted(int(i) for i in listed) == sorted(world["ids"])
    assert "Page 2 of 2" in second


def test_an_agent_without_evaluations_has_an_empty_file(build, login, client):
    tenant = build.tenant()
    agent = build.agent(tenant)
    html = login(build.manager(tenant)).get(f"/t/{tenant.slug}/agents/{agent.id}/quality").get_data(as_text=True)
    assert "No evaluations of this agent yet" in html


def test_another_tenants_agent_is_not_found(world, login, client, build):
    other = build.tenant()
    stranger = build.agent(other)
    client = login(world["manager"])
    assert client.get(f"/t/{world['tenant'].slug}/agents/{stranger.id}/quality").status_code == 404
    assert client.get(f"/t/{other.slug}/agents/{stranger.id}/quality").status_code == 404
    assert client.get(f"/t/{world['tenant'].slug}/agents/999999/quality").status_code == 404


def test_no_grader_in_the_quality_file(world, login, client, build):
    for user in (world["manager"], build.admin()):
        text = login(user).get(_url(world)).get_data(as_text=True)
        page = text[text.index("<main"):]
        assert "Gerda" not in page and "gerda.secret@vendor.example" not in page
        where = page.lower().find("grader")
        assert where < 0, page[max(where - 200, 0):where + 200]
        assert "Bo Berg" not in page  # a colleague's evaluations are not in this file
