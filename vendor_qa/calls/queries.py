"""Set-based reads behind the client pages: lists, filters and the week's counts.

Every statement here names a tenant-owned model at its top level, so the
automatic scoping applies it to the request's tenant. Paginated lists also
filter by tenant explicitly: Flask-SQLAlchemy counts a page's total over a
subquery, where the automatic scoping does not look.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Index, Select, case, func, or_, select, text
from sqlalchemy.orm import joinedload

from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.extensions import db
from vendor_qa.periods import Period
from vendor_qa.tenants.scoping import current_tenant_id

LOW_RATING = 2  # "a 2 on a 5-point scale" sends a call to QA at once

# The topic filter's choices step through this index, a probe per topic (`topics`).
Index("ix_call_tenant_topic", Call.tenant_id, Call.topic)


def _own(model) -> ColumnElement[bool]:
    return model.tenant_id == current_tenant_id()


# --- home -------------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    agents: int
    active_agents: int
    teams: int
    calls_this_week: int
    low_rated_this_week: int


def overview(week: Period) -> Overview:
    agents, active = db.session.execute(
        select(func.count(Agent.id), func.count(case((Agent.active.is_(True), 1))))
    ).one()
    teams = db.session.scalar(select(func.count(Team.id)))
    calls, low = db.session.execute(
        select(func.count(Call.id), func.count(case((Call.customer_rating <= LOW_RATING, 1))))
        .where(week.contains(Call.started_at))
    ).one()
    return Overview(agents, active, teams, calls, low)


# --- agents -----------------------------------------------------------------

def teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def agents_statement(search: str | None, team_id: int | None, active: bool | None) -> Select:
    stmt = select(Agent).where(_own(Agent)).options(joinedload(Agent.team))
    if search:
        stmt = stmt.where(or_(
            Agent.display_name.icontains(search, autoescape=True),
            Agent.code.icontains(search, autoescape=True),
            Agent.external_id.icontains(search, autoescape=True),
        ))
    if team_id is not None:
        stmt = stmt.where(Agent.team_id == team_id)
    if active is not None:
        stmt = stmt.where(Agent.active.is_(active))
    return stmt.order_by(Agent.display_name, Agent.id)


def call_counts(agent_ids: list[int], period: Period) -> dict[int, int]:
    """How many calls each of these agents took in the period (one grouped query)."""
    if not agent_ids:
        return {}
    rows = db.session.execute(
        select(Call.agent_id, func.count(Call.id))
        .where(Call.agent_id.in_(agent_ids), period.contains(Call.started_at))
        .group_by(Call.agent_id)
    )
    return dict(rows.tuples().all())


def weekly_counts(agent_id: int, weeks: list[Period]) -> list[int]:
    """Calls of one agent in each of the given weeks, in one query: a counted CASE per week."""
    columns = [func.count(case((week.contains(Call.started_at), 1))) for week in weeks]
    span = Period(weeks[0].start, weeks[-1].end)
    row = db.session.execute(
        select(*columns).select_from(Call).where(Call.agent_id == agent_id, span.contains(Call.started_at))
        .where(_own(Call))
    ).one()
    return list(row)


def agent_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Agent.id, Agent.display_name, Agent.code).order_by(Agent.display_name))
    return [(agent_id, f"{name} ({code})") for agent_id, name, code in rows]


# --- calls ------------------------------------------------------------------

@dataclass(frozen=True)
class CallFilter:
    search: str | None = None
    agent_id: int | None = None
    team_id: int | None = None
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive
    rating: str | None = None  # "1".."5", "low" (2 or lower) or "none" (unrated)
    topic: str | None = None
    channel: str | None = None

    @property
    def narrows(self) -> bool:
        return any(value is not None for value in astuple(self))


def _rating_condition(rating: str) -> ColumnElement[bool]:
    if rating == "low":
        return Call.customer_rating <= LOW_RATING
    if rating == "none":
        return Call.customer_rating.is_(None)
    return Call.customer_rating == int(rating)


def calls_statement(f: CallFilter) -> Select:
    """The calls matching the filter, newest first (a `pagination.window`: counting them all costs
    more than reading a page)."""
    stmt = select(Call).where(_own(Call)).options(joinedload(Call.agent))
    if f.search:
        stmt = stmt.where(or_(Call.external_id.icontains(f.search, autoescape=True),
                              Call.topic.icontains(f.search, autoescape=True)))
    if f.agent_id is not None:
        stmt = stmt.where(Call.agent_id == f.agent_id)
    if f.team_id is not None:
        stmt = stmt.where(Call.agent_id.in_(select(Agent.id).where(_own(Agent), Agent.team_id == f.team_id)))
    if f.since is not None:
        stmt = stmt.where(Call.started_at >= f.since)
    if f.until is not None:
        stmt = stmt.where(Call.started_at < f.until)
    if f.rating:
        stmt = stmt.where(_rating_condition(f.rating))
    if f.topic:
        stmt = stmt.where(Call.topic == f.topic)
    if f.channel:
        stmt = stmt.where(Call.channel == f.channel)
    return stmt.order_by(Call.started_at.desc(), Call.id.desc())


def agent_calls_statement(agent_id: int) -> Select:
    return calls_statement(CallFilter(agent_id=agent_id))


# A loose index scan: the smallest topic, then the smallest above it, and so on; a DISTINCT read
# every call of the tenant (1.3 million at 100 times the demo) to find a handful of topics.
_TOPICS = text("""
    WITH RECURSIVE found(topic) AS (
        SELECT min(topic) FROM call WHERE tenant_id = :tenant
        UNION ALL
        SELECT (SELECT min(topic) FROM call WHERE tenant_id = :tenant AND topic > found.topic)
        FROM found WHERE found.topic IS NOT NULL
    )
    SELECT topic FROM found WHERE topic IS NOT NULL ORDER BY topic
""")


def topics() -> list[str]:
    """The tenant's call topics, in order."""
    return list(db.session.scalars(_TOPICS, {"tenant": current_tenant_id()}))
