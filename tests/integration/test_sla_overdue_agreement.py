"""The SLA board's overdue priority reviews are the ones its week page shows as overdue: one rule.

A closed week's leftovers belong to its record: a priority review handed in on Sunday night and
due on Monday, after the week closed, reads 0 overdue on that week's page, so the board does not
count it days later either. The clock is frozen on Wednesday 25 November 2026 (2026-W48).
"""

from __future__ import annotations

import re
from datetime import timedelta

from tests.integration import sla_helpers as sla
from vendor_qa import clock
from vendor_qa.sla import tracker
from vendor_qa.tenants.scoping import tenant_scope

LAST_WEEK, THIS_WEEK = "2026-W47", "2026-W48"


def _cells(html: str, marker: str) -> list[str]:
    row = re.search(rf"<tr[^>]*>\s*<td>[^<]*{marker}.*?</tr>|<tr {marker}>.*?</tr>", html, re.DOTALL)
    assert row, marker
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row[0], re.DOTALL)]


def test_the_board_counts_the_overdue_priority_reviews_its_week_page_shows(app, build, login):
    tenant = sla.sla_tenant(build, slug="overdue-board")
    version = sla.scorecard_for_every_channel(tenant)
    ada, bo = build.agent(tenant, display_name="Ada Agent"), build.agent(tenant, display_name="Bo Agent")
    late_call = sla.add_calls(tenant, ada, [(300, 1)] * 5, week=LAST_WEEK)[0]
    sunday_night = sla.at(tenant, LAST_WEEK, day=7, hour=23)
    sla.assign(tenant, late_call, version, reason="low_rating", week=LAST_WEEK, status="open",
               due_at=sunday_night + timedelta(hours=24))
    with tenant_scope(tenant.id):
        tracker.close_week(tenant.id, LAST_WEEK, sla.at(tenant, THIS_WEEK, day=1, hour=1))
    this_call = sla.add_calls(tenant, bo, [(300, 1)] * 5, week=THIS_WEEK)[0]
    sla.assign(tenant, this_call, version, reason="low_rating", week=THIS_WEEK, status="open",
               due_at=clock.now() - timedelta(hours=2))
    client = login(build.admin())

    closed = client.get(f"/sla/{tenant.slug}/{LAST_WEEK}").get_data(as_text=True)
    current = client.get(f"/sla/{tenant.slug}/{THIS_WEEK}").get_data(as_text=True)
    board = client.get("/sla/").get_data(as_text=True)

    # Agent, calls, required, assigned, completed, overdue, ...
    assert _cells(closed, "Ada Agent")[5] == "0"  # due after the week closed: not overdue in its record
    assert _cells(current, "Bo Agent")[5] == "1"
    # Client, week, agents, completed / required, compliance, at risk, overdue priority, ...
    row = _cells(board, f'data-tenant="{tenant.slug}"')
    assert row[1] == THIS_WEEK and row[6] == "1"
