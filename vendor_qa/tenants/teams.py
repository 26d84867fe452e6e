"""Team leads: client managers limited to some teams of their tenant.

A lead's request scope carries their team ids (`Scope.team_ids`), and the automatic scoping
(vendor_qa.tenants.scoping) then narrows every ORM statement of the request on top of the
tenant: agents of those teams, and every row tied to an agent (calls, evaluations, coaching
sessions...) or to an evaluation (disputes...) of those agents. So each client page lists only
the lead's people, and another team's ids answer 404 without a check in each view; figures
built from ORM statements (the dashboard) are the lead's teams' figures.

Tenant-wide administration and tenant-wide documents stay with unrestricted managers: a lead
gets 403 on the blueprints in LEAD_REFUSED.
"""

from __future__ import annotations

import functools

from sqlalchemy import select
from sqlalchemy.orm import with_loader_criteria

from vendor_qa.models import TenantOwned

# Scorecards, SLA and the CSV import act on the whole tenant; the report archive holds the
# tenant-wide monthly reports (naming every agent). A lead's figures are on the dashboard.
LEAD_REFUSED = frozenset({"scorecards", "sla_client", "imports", "report_archive"})


@functools.cache
def _narrowed_models() -> tuple[tuple[type, str], ...]:
    """Tenant-owned models tied to one agent ("agent") or one evaluation ("evaluation")."""
    from vendor_qa.models import Base

    found = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if not issubclass(cls, TenantOwned) or cls.__name__ in ("Agent", "Evaluation"):
            continue
        columns = mapper.local_table.c
        if "agent_id" in columns:
            found.append((cls, "agent"))
        elif "evaluation_id" in columns:
            found.append((cls, "evaluation"))
    return tuple(found)


def criteria(team_ids: frozenset[int]) -> list:
    """The loader criteria that narrow a statement to these teams' people (tenant scoping adds the tenant)."""
    from vendor_qa.calls.models import Agent, Team
    from vendor_qa.grading.models import Evaluation

    ids = tuple(sorted(team_ids))
    # Core tables inside: the criteria of Agent must not apply to their own subquery.
    agent, evaluation = Agent.__table__, Evaluation.__table__
    agents = select(agent.c.id).where(agent.c.team_id.in_(ids))
    evaluations = select(evaluation.c.id).where(evaluation.c.agent_id.in_(agents))
    found = [
        with_loader_criteria(Team, Team.id.in_(ids), include_aliases=True),
        with_loader_criteria(Agent, Agent.team_id.in_(ids), include_aliases=True),
        with_loader_criteria(Evaluation, Evaluation.agent_id.in_(agents), include_aliases=True),
    ]
    for cls, tie in _narrowed_models():
        condition = cls.agent_id.in_(agents) if tie == "agent" else cls.evaluation_id.in_(evaluations)
        found.append(with_loader_criteria(cls, condition, include_aliases=True))
    return found


def set_lead_teams(user, team_ids) -> None:
    """Limit a client manager to these teams of their tenant (none: the whole tenant). The caller commits."""
    from sqlalchemy import delete, insert

    from vendor_qa.auth.models import user_team
    from vendor_qa.extensions import db

    db.session.execute(delete(user_team).where(user_team.c.user_id == user.id))
    rows = [{"user_id": user.id, "team_id": int(t)} for t in sorted(set(team_ids))]
    if rows:
        db.session.execute(insert(user_team), rows)
