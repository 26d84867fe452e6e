"""SLA fulfilment on the client's dashboard: closed weeks only, each in the month of its Thursday.

The week under way is "in progress" with where its agents stand, never "not met" nor "too few
calls"; weeks that have not begun are not counted. The clock is frozen on Wednesday 25 November
2026 (2026-W48), and moved to the calendar's hard days (tests/calendar_days.py).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.integration import sla_helpers as sla
from vendor_qa import clock
from vendor_qa.sla import tracker
from vendor_qa.tenants.scoping import tenant_scope

DASHBOARD = "/t/{slug}/dashboard?view=month&month={month}"


def _met_week(tenant, agent, version, week: str, calls: int = 5) -> None:
    """The agent's week with `calls` calls and its quota (the minimum, 4) evaluated."""
    ids = sla.add_calls(tenant, agent, [(300, None)] * calls, week=week)
    for call_id in ids[:4]:
        sla.assign(tenant, call_id, version, week=week, status="submitted", submitted_at=sla.at(tenant, week, 6))


def _close(tenant, *weeks: str) -> None:
    with tenant_scope(tenant.id):
        for week in weeks:
            tracker.close_week(tenant.id, week, clock.now())


def _sla_tile(html: str) -> str:
    found = re.search(r'data-figure="sla">(.*?)</div>\s*</div>\s*(?=</div>|<div class="stat")', html, re.DOTALL)
    tile = found[1] if found else html[html.index('data-figure="sla"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tile)).strip()


def _month_of_thursday(week: str) -> str:
    """Worked out with the calendar, not the code under test."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 4).strftime("%Y-%m")


def test_november_counts_its_closed_weeks_and_shows_the_open_one_in_progress(app, build, login):
    tenant = sla.sla_tenant(build)
    version = sla.scorecard_for_every_channel(tenant)
    ada, bo = build.agent(tenant, display_name="Ada"), build.agent(tenant, display_name="Bo")
    for agent in (ada, bo):
        sla.add_calls(tenant, agent, [(300, None)] * 5, week="2026-W44")  # 26 Oct - 1 Nov: October's, missed
        for week in ("2026-W45", "2026-W46", "2026-W47"):
            _met_week(tenant, agent, version, week)
    _close(tenant, "2026-W44", "2026-W45", "2026-W46")  # W47 is over; its close has not run yet
    # Wednesday of W48: Ada is on track with one review done and one in hand; Bo is behind.
    ada_calls = sla.add_calls(tenant, ada, [(300, None)] * 6, week="2026-W48")
    sla.assign(tenant, ada_calls[0], version, week="2026-W48", status="submitted", submitted_at=clock.now())
    sla.assign(tenant, ada_calls[1], version, week="2026-W48", status="assigned",
               due_at=clock.now() + timedelta(days=2))
    sla.add_calls(tenant, bo, [(300, None)] * 6, week="2026-W48")
    client = login(build.manager(tenant))

    tile = _sla_tile(client.get(DASHBOARD.format(slug=tenant.slug, month="2026-11")).get_data(as_text=True))

    assert tile.startswith("100.0% SLA fulfilment")
    assert "6 of 6 agent-weeks met the SLA in the closed ISO weeks 2026-W45 to 2026-W47." in tile
    assert "in progress 2026-W48, 2 agents so far: 0 met, 1 on track, 1 at risk; counted once it closes." in tile
    assert "too few calls" not in tile and "not begun" not in tile and "2026-W44" not in tile

    october = _sla_tile(client.get(DASHBOARD.format(slug=tenant.slug, month="2026-10")).get_data(as_text=True))
    assert october.startswith("0.0%") and "0 of 2 agent-weeks met" in october and "to 2026-W44;" in october


def test_december_has_no_closed_week_and_counts_no_future_one(app, build, login):
    tenant = sla.sla_tenant(build)
    version = sla.scorecard_for_every_channel(tenant)
    _met_week(tenant, build.agent(tenant), version, "2026-W47")
    client = login(build.manager(tenant))

    tile = _sla_tile(client.get(DASHBOARD.format(slug=tenant.slug, month="2026-12")).get_data(as_text=True))

    assert tile.startswith("— SLA fulfilment") and "No week of this period has closed yet." in tile
    assert "5 weeks not begun yet" in tile  # W49 to W53: 30 November to 3 January
    assert "agent-weeks" not in tile and "too few calls" not in tile and "in progress" not in tile


def test_weeks_across_a_month_edge_count_in_the_month_of_their_thursday(hard_day, app, build, login):
    tenant = sla.sla_tenant(build, zone=hard_day.zone, slug="hard-day")
    version = sla.scorecard_for_every_channel(tenant)
    agent = build.agent(tenant, display_name="Ada")
    _met_week(tenant, agent, version, hard_day.last_week)
    _close(tenant, hard_day.last_week)
    sla.add_calls(tenant, agent, [(300, None)] * 2, week=hard_day.week)  # too few so far: the week is young
    client = login(build.manager(tenant))
    closed_month, open_month = _month_of_thursday(hard_day.last_week), _month_of_thursday(hard_day.week)

    closed = _sla_tile(client.get(DASHBOARD.format(slug=tenant.slug, month=closed_month)).get_data(as_text=True))
    current = _sla_tile(client.get(DASHBOARD.format(slug=tenant.slug, month=open_month)).get_data(as_text=True))

    assert closed.startswith("100.0%") and "1 of 1 agent-weeks met" in closed
    assert re.search(rf"closed ISO weeks [^.;]*{hard_day.last_week}[.;]", closed)
    assert (f"in progress {hard_day.week}, 1 agent so far: 0 met, 0 on track, 0 at risk, 1 waiting for calls; "
            "counted once it closes.") in current
    assert "too few calls" not in current.split("in progress")[1]
    if open_month != closed_month:  # the open week is the first of its month: nothing closed there yet
        assert "No week of this period has closed yet." in current and hard_day.week not in closed
