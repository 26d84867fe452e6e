"""Systemic or individual, decided by the core's test on a tenant with one planted problem of each kind."""

from __future__ import annotations

import re

import pytest

from tests.integration import report_data
from tests.integration.report_data import FULL, HALF, NONE, OSLO, oslo
from vendor_qa import periods
from vendor_qa.reports import aggregates
from vendor_qa.tenants.scoping import tenant_scope

AGENTS, EVALUATIONS = 6, 6


@pytest.fixture
def planted(build):
    """Six agents, six October evaluations each. "Greets": only Fay loses it, every time (individual).
    "Listens": every agent loses it in half of their calls (systemic). "Solves": never lost."""
    tenant = build.tenant(timezone=OSLO)
    grader = build.user("grader", certify=[tenant])
    card = report_data.scorecard(tenant)
    agents = [build.agent(tenant, display_name=name) for name in ("Ann", "Ben", "Cy", "Dag", "Eli", "Fay")]
    for agent in agents:
        for day in range(EVALUATIONS):
            greets = NONE if agent.display_name == "Fay" else FULL
            listens = NONE if day % 2 else FULL
            report_data.evaluate(build, tenant, agent, grader, card, [greets, listens, FULL],
                                 oslo(2026, 10, 2 + 4 * day, 10))
    return tenant, agents, build.manager(tenant), card, grader


def test_the_planted_problems_are_found_and_named(planted, login):
    tenant, _, manager, _, _ = planted
    with tenant_scope(tenant.id):
        found = {p.text: p for p in aggregates.criteria_problems(tenant, periods.parse_period("2026-10", tenant.zone))}
    greets, listens, solves = (found[t] for t in ("Greets the customer", "Listens without interrupting",
                                                  "Solves the problem"))
    assert greets.individual and [a.name for a in greets.failing_agents] == ["Fay"] and greets.standing_out == 1
    assert listens.systemic and not listens.failing_agents and listens.agents_lost == AGENTS
    assert not solves.systemic and not solves.individual and solves.lost == 0
    assert listens.loss_interval.low < 0.5 < listens.loss_interval.high  # Wilson, around the pooled 50%

    html = login(manager).get(f"/t/{tenant.slug}/dashboard?view=month&month=2026-10").get_data(as_text=True)
    systemic = html[html.index('data-findings="systemic"'):html.index('data-findings="individual"')]
    individual = html[html.index('data-findings="individual"'):]
    individual = individual[:individual.index("</div>\n</div>")]
    assert "Listens without interrupting" in systemic and "Greets the customer" not in systemic
    assert "Greets the customer" in individual and "Fay" in individual and "Ann" not in individual
    row = re.search(rf'<tr data-criterion="{greets.key}">.*?</tr>', html, re.S)[0]
    assert "individual" in row
    assert 'href="/methods#systemic-or-individual"' in html


def test_the_agents_table_says_how_sure_each_band_is_and_marks_unsupported_changes(planted, build, login):
    tenant, agents, manager, card, grader = planted
    ann, ben = agents[0], agents[1]
    for day in range(4):  # September: Ann in the lowest band, Ben a shade under "good"
        report_data.evaluate(build, tenant, ann, grader, card, [NONE, NONE, HALF], oslo(2026, 9, 3 + day, 10))
        report_data.evaluate(build, tenant, ben, grader, card, [FULL, NONE, HALF], oslo(2026, 9, 3 + day, 10))
    with tenant_scope(tenant.id):
        rows = {r.name: r for r in aggregates.agents_page(tenant, periods.parse_period("2026-10", tenant.zone),
                                                          sort="certainty").items}
    assert [r.band_probability for r in rows.values()] == sorted(r.band_probability for r in rows.values())
    assert rows["Ann"].previous_band.name == "re-certify" and rows["Ann"].band.name == "good"
    assert rows["Ann"].change_supported is not None and rows["Cy"].change_supported is None  # no September
    html = login(manager).get(f"/t/{tenant.slug}/dashboard?view=month&month=2026-10&sort=certainty").get_data(
        as_text=True)
    row = re.search(rf'<tr data-agent="{ann.id}">.*?</tr>', html, re.DOTALL)[0]
    assert f"good, {round(rows['Ann'].band_probability * 100)}% likely" in row
    state = "supported" if rows["Ann"].change_supported else "unsupported"
    assert f'data-band-change="{state}"' in row and "was re-certify" in row
    assert ("change not supported at 95%" in row) == (state == "unsupported")
