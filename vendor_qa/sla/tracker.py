"""Tracking: where each agent and tenant stands in a week, overdue work taken back, week close.

`agent_rows` is one statement per tenant and week: the agents in scope, their
calls in the week (GROUP BY) and their assignments (GROUP BY), joined. The
status comes from the pure `status.agent_status`. A closed week is read from its
permanent record (SlaWeekAgent), which never changes once written.

Overdue work: an assignment a grader holds past its due time is taken back
(status open, no grader, an "expired" event naming the grader) and handed out
again. Only work that was given before it fell due is taken back, so work
handed out late is not snatched again every 15 minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from vendor_qa import periods
from vendor_qa.calls.models import Agent, Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import ACTIVE_STATUSES, UNCOUNTED_REASONS, Assignment
from vendor_qa.sla import pool
from vendor_qa.sla.models import SlaWeekAgent, SlaWeekTenant
from vendor_qa.sla.planner import is_closed, week_scope
from vendor_qa.sla.settings import policy_for_week, versions_by_channel
from vendor_qa.sla.status import AgentWeek, agent_status, compliance
from vendor_qa.templating import rounded
from vendor_qa.tenants.models import Tenant

CALL = Call.__table__
ASSIGNMENT = Assignment.__table__
AGENT = Agent.__table__
DEAD = ("cancelled", "expired")  # assignments that no longer count


@dataclass(frozen=True)
class AgentRow:
    agent_id: int
    code: str
    name: str
    calls: int
    required: int
    assigned: int
    completed: int
    overdue: int
    status: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Totals:
    """A tenant's week in figures, from its agent rows."""

    agents: int
    required: int
    completed: int  # toward the requirement (an agent's extra evaluations do not make up another's)
    met: int
    at_risk: int
    insufficient: int
    compliance: Fraction | None  # share of counted agents at or above their requirement
    projected: Fraction | None  # share of counted agents met or on track

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["compliance_percent"] = _percent(self.compliance)
        data["projected_percent"] = _percent(self.projected)
        del data["compliance"], data["projected"]
        return data


def _percent(share: Fraction | None) -> float | None:
    return None if share is None else float(rounded(share * 100, 2))


def elapsed_share(week: str, zone: str, as_of: datetime) -> Fraction:
    start, end = periods.week_bounds(week, zone)
    seconds = (as_of - start).total_seconds()
    return min(max(Fraction(seconds) / Fraction((end - start).total_seconds()), Fraction(0)), Fraction(1))


# ---- live rows -------------------------------------------------------------------------------

def _week_work(tenant_id: int, week: str) -> ColumnElement[bool]:
    """The assignments that count toward the week's quota."""
    return and_(ASSIGNMENT.c.tenant_id == tenant_id, ASSIGNMENT.c.week == week,
                ASSIGNMENT.c.reason.not_in(UNCOUNTED_REASONS), ASSIGNMENT.c.status.not_in(DEAD))


def _overdue(as_of: datetime) -> ColumnElement[bool]:
    """Past its due time and not evaluated: the one rule of "overdue", for the week pages and the board."""
    return and_(ASSIGNMENT.c.status != "submitted", ASSIGNMENT.c.due_at < as_of)


def _live_statement(tenant: Tenant, week: str, channels, as_of: datetime):
    scope = week_scope(tenant, week, channels)
    calls = (select(CALL.c.agent_id, func.count().label("calls")).where(scope.where())
             .group_by(CALL.c.agent_id).subquery())
    work = (select(CALL.c.agent_id, func.count().label("assigned"),
                   func.sum(case((ASSIGNMENT.c.status == "submitted", 1), else_=0)).label("completed"),
                   func.sum(case((_overdue(as_of), 1), else_=0)).label("overdue"))
            .select_from(ASSIGNMENT.join(CALL, CALL.c.id == ASSIGNMENT.c.call_id))
            .where(_week_work(tenant.id, week))
            .group_by(CALL.c.agent_id).subquery())
    return (select(AGENT.c.id, AGENT.c.code, AGENT.c.display_name,
                   func.coalesce(calls.c.calls, 0), func.coalesce(work.c.assigned, 0),
                   func.coalesce(work.c.completed, 0), func.coalesce(work.c.overdue, 0))
            .select_from(AGENT.outerjoin(calls, calls.c.agent_id == AGENT.c.id)
                         .outerjoin(work, work.c.agent_id == AGENT.c.id))
            .where(AGENT.c.id.in_(scope.agents.scalar_subquery()))
            .order_by(AGENT.c.display_name, AGENT.c.id))


def live_rows(tenant: Tenant, week: str, as_of: datetime, closing: bool = False) -> list[AgentRow]:
    policy = policy_for_week(tenant.id, week)
    channels = versions_by_channel(tenant, policy.channels)
    elapsed = elapsed_share(week, tenant.timezone, as_of)
    rows = []
    for agent_id, code, name, calls, assigned, completed, overdue in db.session.execute(
            _live_statement(tenant, week, channels, as_of)):
        insufficient = calls < policy.minimum
        facts = AgentWeek(required=min(policy.minimum, calls), assigned=assigned, completed=completed,
                          overdue=overdue, insufficient_volume=insufficient)
        rows.append(AgentRow(agent_id, code, name, calls, facts.required, assigned, completed, overdue,
                             agent_status(facts, elapsed, closing)))
    return rows


def closed_rows(tenant_id: int, week: str) -> list[AgentRow]:
    return [AgentRow(r.agent_id, code, name, r.calls, r.required, r.assigned, r.completed, r.overdue, r.status)
            for r, code, name in db.session.execute(
                select(SlaWeekAgent, Agent.code, Agent.display_name).join(Agent, Agent.id == SlaWeekAgent.agent_id)
                .where(SlaWeekAgent.tenant_id == tenant_id, SlaWeekAgent.week == week)
                .order_by(Agent.display_name, Agent.id))]


def week_rows(tenant: Tenant, week: str, as_of: datetime) -> list[AgentRow]:
    """The agents' rows of any week: the permanent record once closed, else computed now."""
    if is_closed(tenant.id, week):
        return closed_rows(tenant.id, week)
    return live_rows(tenant, week, as_of)


def totals(rows: Sequence[AgentRow]) -> Totals:
    facts = [AgentWeek(r.required, r.assigned, r.completed, r.overdue, r.status == "insufficient_volume")
             for r in rows]
    counted = [r for r in rows if r.status != "insufficient_volume"]
    projected = (Fraction(sum(r.status in ("met", "on_track") for r in counted), len(counted))
                 if counted else None)
    return Totals(agents=len(rows), required=sum(r.required for r in rows),
                  completed=sum(min(r.completed, r.required) for r in rows),
                  met=sum(r.status == "met" for r in rows), at_risk=sum(r.status == "at_risk" for r in rows),
                  insufficient=len(rows) - len(counted), compliance=compliance(facts), projected=projected)


# ---- taking back overdue work ------------------------------------------------------------------

def take_back_overdue(tenant_id: int, as_of: datetime) -> dict[int, int]:
    """Return overdue held work to the pool, with an "expired" event per assignment (the caller commits).

    {assignment id: the grader it was taken from}.
    """
    overdue = and_(ASSIGNMENT.c.tenant_id == tenant_id, ASSIGNMENT.c.status.in_(ACTIVE_STATUSES),
                   ASSIGNMENT.c.due_at < as_of, ASSIGNMENT.c.assigned_at < ASSIGNMENT.c.due_at)
    holders = dict(db.session.execute(select(ASSIGNMENT.c.id, ASSIGNMENT.c.grader_id).where(overdue)).all())
    if not holders:
        return {}
    taken = db.session.execute(
        ASSIGNMENT.update().where(overdue, pool.among(ASSIGNMENT.c.id, list(holders)))
        .values(status="open", grader_id=None, assigned_at=None, updated_at=as_of)
        .returning(ASSIGNMENT.c.id)).scalars().all()
    pool.record_events(tenant_id, [(id_, holders[id_]) for id_ in taken], "expired",
                       "SLA: overdue, taken back for another grader", as_of, grader_field="from_grader_id")
    return {id_: holders[id_] for id_ in taken}


@dataclass(frozen=True)
class TrackResult:
    week: str
    taken_back: int
    handout: pool.Handout
    rows: list[AgentRow]


def track_tenant(tenant_id: int, as_of: datetime) -> TrackResult:
    """One tracking pass over the tenant's current week; commits (run in the tenant's context)."""
    from vendor_qa.sla.alerts import raise_alerts

    tenant = db.session.get(Tenant, tenant_id)
    week = periods.week_of(as_of, tenant.timezone)
    taken_back = take_back_overdue(tenant_id, as_of)
    handout = pool.hand_out(tenant_id, week, as_of, avoid=taken_back)
    db.session.commit()
    rows = live_rows(tenant, week, as_of)
    raise_alerts(tenant, week, as_of, totals(rows), handout)
    return TrackResult(week, len(taken_back), handout, rows)


# ---- week close --------------------------------------------------------------------------------

def priority_turnaround(tenant_id: int, week: str) -> tuple[int, int]:
    """(priority reviews of the week, those submitted by their due time)."""
    total, on_time = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((ASSIGNMENT.c.submitted_at <= ASSIGNMENT.c.due_at, 1),
                                                         else_=0)), 0))
        .where(ASSIGNMENT.c.tenant_id == tenant_id, ASSIGNMENT.c.week == week,
               ASSIGNMENT.c.reason == "low_rating", ASSIGNMENT.c.status.not_in(DEAD))).one()
    return total, on_time


def _decimal_percent(share: Fraction | None) -> Decimal | None:
    return None if share is None else rounded(share * 100, 2)


def close_week(tenant_id: int, week: str, as_of: datetime) -> bool:
    """Write the week's permanent record once; False when it was closed already. Commits."""
    tenant = db.session.get(Tenant, tenant_id)
    _, end = periods.week_bounds(week, tenant.timezone)
    if as_of < end:
        raise ValueError(f"week {week} of {tenant.slug} runs until {end.isoformat()}; close it after that")
    if is_closed(tenant_id, week):
        return False
    rows = live_rows(tenant, week, as_of, closing=True)
    summary = totals(rows)
    reviews, on_time = priority_turnaround(tenant_id, week)
    policy = policy_for_week(tenant_id, week)
    if rows:
        pool.bulk_insert(SlaWeekAgent.__table__, [
            {"tenant_id": tenant_id, "week": week, "agent_id": r.agent_id, "calls": r.calls, "required": r.required,
             "assigned": r.assigned, "completed": r.completed, "overdue": r.overdue, "status": r.status,
             "closed_at": as_of} for r in rows], conflict=["tenant_id", "week", "agent_id"])
    pool.bulk_insert(SlaWeekTenant.__table__, [{
        "tenant_id": tenant_id, "week": week, "agents_in_scope": summary.agents, "agents_met": summary.met,
        "agents_insufficient": summary.insufficient, "compliance_percent": _decimal_percent(summary.compliance),
        "compliance_target_percent": round(policy.compliance_target * 100), "priority_reviews": reviews,
        "priority_on_time": on_time,
        "priority_met_percent": _decimal_percent(Fraction(on_time, reviews) if reviews else None),
        "closed_at": as_of}], conflict=["tenant_id", "week"])
    db.session.commit()
    return True


def overdue_priority_counts(weeks: Mapping[int, str], as_of: datetime) -> dict[int, int]:
    """Priority reviews overdue in each tenant's week ({tenant id: week}), per tenant.

    The week's work and "overdue" are the week page's (`_week_work`, `_overdue`), so the board
    and the alerts count what that page shows; a closed week's leftovers are its record's.
    """
    if not weeks:
        return {}
    return dict(db.session.execute(
        select(ASSIGNMENT.c.tenant_id, func.count())
        .where(or_(*(_week_work(tenant_id, week) for tenant_id, week in weeks.items())),
               ASSIGNMENT.c.reason == "low_rating", _overdue(as_of))
        .group_by(ASSIGNMENT.c.tenant_id)).all())
