"""A tenant with a systemic problem that a training on 20 October 2026 fixed, for most agents."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from tests.integration import report_data
from tests.integration.report_data import FULL, NONE

GIVEN = date(2026, 10, 20)  # four weeks of follow-up: 21 October to 17 November, closed by 25 November


def day(month: int, day_: int, later: int = 0) -> datetime:
    return datetime(2026, month, day_, 12, tzinfo=timezone.utc) + timedelta(days=later)


def systemic_listening(build, slug: str | None = None):
    """Four agents of one team. "Listens" is lost in 4 of 5 calls by everyone before 20 October
    (a systemic problem), in 1 of 5 after; "Greets" is never lost. Dan is the exception: he keeps
    losing "Listens" after the training. (tenant, agents, team, card, manager)"""
    tenant = build.tenant(slug=slug, timezone="UTC")
    grader = build.user("grader", certify=[tenant])
    card = report_data.scorecard(tenant)
    team = build.team(tenant, "Billing")
    agents = [build.agent(tenant, team=team, display_name=name) for name in ("Ann", "Ben", "Cy", "Dan")]
    for agent in agents:
        for i in range(5):
            report_data.evaluate(build, tenant, agent, grader, card, [FULL, NONE if i < 4 else FULL, FULL],
                                 day(10, 1 + 3 * i))
            lost_after = i < (4 if agent.display_name == "Dan" else 1)
            report_data.evaluate(build, tenant, agent, grader, card, [FULL, NONE if lost_after else FULL, FULL],
                                 day(10, 22, later=3 * i))
    return tenant, agents, team, card, build.manager(tenant)
