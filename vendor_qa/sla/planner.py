"""Planning a tenant's ISO week: priority reviews and samples for every agent in scope, set-based.

One pass, whatever the number of agents:

1. one GROUP BY over the week's calls counts, per agent in scope, the calls by
   stratum (short/long, low-rated) and whether each already has an assignment;
2. the pure rule (`sampling.plan_agent`) turns each agent's counts into how many
   short and long samples it needs (`needs_for`);
3. one query fetches only those calls: the k lowest `sample_key`s per agent and
   stratum among the unassigned ones (a LATERAL join on the (tenant, agent,
   sample_key) index on PostgreSQL, a window function on SQLite), plus the
   unassigned low-rated calls when the counts show any;
4. one bulk INSERT ... ON CONFLICT DO NOTHING, then the pool is handed out.

All in one transaction: a crash leaves nothing half-planned, and a rerun (or a
run after a crash) creates exactly what is missing, which the unique index
makes the same set of assignments.

Scope: active agents not excluded on any day of the week; calls of the policy's
channels that have a published scorecard (calls of other channels cannot be
evaluated, so they neither count nor get sampled). A closed week is not planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import and_, case, func, literal_column, select, text
from sqlalchemy.sql import Select

from vendor_qa.calls.models import CHANNELS, Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import UNCOUNTED_REASONS, Assignment
from vendor_qa.sla import pool, weeks
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.sla.policy import Policy
from vendor_qa.sla.sampling import Candidate, plan_agent
from vendor_qa.sla.settings import agents_in_scope, policy_for_week, versions_by_channel
from vendor_qa.tenants.models import Tenant

CALL = Call.__table__
ASSIGNMENT = Assignment.__table__


@dataclass(frozen=True)
class AgentCounts:
    """One agent's calls in the week, by kind; "open" = without an assignment yet."""

    agent_id: int
    calls: int
    assigned_low: int
    assigned_short: int  # not low-rated
    assigned_long: int
    open_low: int
    open_short: int
    open_long: int


@dataclass(frozen=True)
class Need:
    agent_id: int
    short: int
    long: int
    insufficient_volume: bool


@dataclass(frozen=True)
class PlanResult:
    week: str
    day: int
    low_rating: int  # priority reviews created by this run
    samples: int
    insufficient_agents: int
    handout: pool.Handout
    note: str = ""


@dataclass(frozen=True)
class WeekCalls:
    """The calls a plan looks at: the tenant's, in the week, of scoped channels and agents."""

    tenant_id: int
    week: str
    start: datetime
    end: datetime
    channels: tuple[str, ...]
    agents: Select  # ids of the agents in scope

    def where(self):
        """The week's calls of the scoped channels, of every agent: callers keep the agents in scope.

        Leaving the agents out of this filter spares a join over every call of the week;
        and when every channel is in scope, no channel test is made.
        """
        conditions = [CALL.c.tenant_id == self.tenant_id, CALL.c.started_at >= self.start,
                      CALL.c.started_at < self.end]
        if set(self.channels) != set(CHANNELS):
            conditions.append(CALL.c.channel.in_(self.channels))
        return and_(*conditions)

    def agent_ids(self) -> set[int]:
        return set(db.session.scalars(self.agents))

    def assigned_calls(self):
        """Calls of the week that already have an assignment (any reason that counts)."""
        return (select(ASSIGNMENT.c.call_id).distinct()
                .where(ASSIGNMENT.c.tenant_id == self.tenant_id, ASSIGNMENT.c.week == self.week,
                       ASSIGNMENT.c.reason .not_in(UNCOUNTED_REASONS)))


# ---- the pure step ---------------------------------------------------------------------------

def needs_for(counts: AgentCounts, policy: Policy, day: int) -> Need:
    """How many short and long samples `plan_agent` takes for an agent with these counts.

    `plan_agent` only looks at how many calls of each kind there are, never at
    which, except to pick the lowest keys; so it runs here on a stand-in list
    built from the counts, and the SQL then picks the real calls by key. That
    keeps one copy of the rules. Each open stratum is capped at the maximum:
    no plan takes more samples than that, and the cap changes neither the
    stratum choice nor the minimum check (a capped stratum alone reaches it).
    """
    low_rating = policy.low_rating_threshold
    short, long = 0, policy.short_call_seconds
    cap = policy.maximum
    kinds = [
        (counts.assigned_low, True, short, low_rating), (counts.assigned_short, True, short, None),
        (counts.assigned_long, True, long, None), (counts.open_low, False, short, low_rating),
        (min(counts.open_short, cap), False, short, None), (min(counts.open_long, cap), False, long, None),
    ]
    stand_in: list[Candidate] = []
    for number, assigned, duration, rating in kinds:
        for _ in range(number):
            stand_in.append(Candidate(call_id=len(stand_in), duration_seconds=duration, rating=rating,
                                      sample_key=len(stand_in), assigned=assigned))
    plan = plan_agent(stand_in, policy, day)
    short_ids = {c.call_id for c in stand_in if policy.is_short(c.duration_seconds)}
    picked_short = sum(1 for id_ in plan.samples if id_ in short_ids)
    return Need(counts.agent_id, picked_short, len(plan.samples) - picked_short, plan.insufficient_volume)


# ---- the set-based steps ---------------------------------------------------------------------

def agent_counts(scope: WeekCalls, policy: Policy) -> list[AgentCounts]:
    assigned = scope.assigned_calls().subquery()
    is_assigned = assigned.c.call_id.is_not(None)
    low, not_low = _low(policy), ~_low(policy)
    short = CALL.c.duration_seconds < policy.short_call_seconds

    def count_if(*conditions):
        return func.sum(case((and_(*conditions), 1), else_=0))

    rows = db.session.execute(
        select(CALL.c.agent_id, func.count(),
               count_if(is_assigned, low), count_if(is_assigned, not_low, short),
               count_if(is_assigned, not_low, ~short), count_if(~is_assigned, low),
               count_if(~is_assigned, not_low, short), count_if(~is_assigned, not_low, ~short))
        .select_from(CALL.outerjoin(assigned, assigned.c.call_id == CALL.c.id))
        .where(scope.where())
        .group_by(CALL.c.agent_id).order_by(CALL.c.agent_id))
    return [AgentCounts(*row) for row in rows]


def low_rated_calls(scope: WeekCalls, policy: Policy, agent_ids: list[int]) -> list[tuple[int, str]]:
    """(call id, channel) of every unassigned low-rated call of these agents."""
    return [tuple(row) for row in db.session.execute(
        select(CALL.c.id, CALL.c.channel)
        .where(scope.where(), CALL.c.agent_id.in_(agent_ids), _low(policy), _unassigned(scope))
        .order_by(CALL.c.id))]


def _low(policy: Policy):
    """Rated at or below the threshold; NULL-safe, so that its negation holds for unrated calls."""
    return func.coalesce(CALL.c.customer_rating <= policy.low_rating_threshold, False)


def _unassigned(scope: WeekCalls):
    # By call alone, on its index: a call's assignments all carry the call's own week.
    taken = (select(literal_column("1")).select_from(ASSIGNMENT)
             .where(ASSIGNMENT.c.call_id == CALL.c.id, ASSIGNMENT.c.reason .not_in(UNCOUNTED_REASONS)))
    return ~taken.exists()


_LATERAL_SAMPLE = text("""
SELECT picked.id, picked.channel
FROM unnest(CAST(:agents AS integer[]), CAST(:shorts AS boolean[]), CAST(:ks AS integer[])) AS n(agent_id, is_short, k)
CROSS JOIN LATERAL (
    SELECT c.id, c.channel FROM call AS c
    WHERE c.tenant_id = :tenant AND c.agent_id = n.agent_id
      AND c.started_at >= :start AND c.started_at < :end
      AND c.channel = ANY(CAST(:channels AS varchar[]))
      AND (c.duration_seconds < :short_seconds) = n.is_short
      AND (c.customer_rating IS NULL OR c.customer_rating > :threshold)
      AND NOT EXISTS (SELECT 1 FROM assignment AS a WHERE a.call_id = c.id AND a.reason <> ALL(CAST(:uncounted AS varchar[])))
    ORDER BY c.sample_key, c.id
    LIMIT n.k
) AS picked
""")


def sample_calls(scope: WeekCalls, policy: Policy, needs: Sequence[Need]) -> list[tuple[int, str]]:
    """(call id, channel) of the k lowest-key unassigned calls per agent and stratum."""
    wanted = [(n.agent_id, is_short, k) for n in needs
              for is_short, k in ((True, n.short), (False, n.long)) if k > 0]
    if not wanted:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        agents, shorts, ks = (list(column) for column in zip(*wanted))
        return [tuple(row) for row in db.session.execute(_LATERAL_SAMPLE, {
            "agents": agents, "shorts": shorts, "ks": ks, "tenant": scope.tenant_id, "start": scope.start,
            "end": scope.end, "channels": list(scope.channels), "short_seconds": policy.short_call_seconds,
            "threshold": policy.low_rating_threshold, "uncounted": list(UNCOUNTED_REASONS)})]
    return _ranked_samples(scope, policy, {(agent, is_short): k for agent, is_short, k in wanted})


def _ranked_samples(scope: WeekCalls, policy: Policy, wanted: dict[tuple[int, bool], int]) -> list[tuple[int, str]]:
    """The same choice by ROW_NUMBER() per agent and stratum (SQLite has no LATERAL)."""
    is_short = CALL.c.duration_seconds < policy.short_call_seconds
    ranked = (select(CALL.c.id, CALL.c.channel, CALL.c.agent_id, is_short.label("is_short"),
                     func.row_number().over(partition_by=(CALL.c.agent_id, is_short),
                                            order_by=(CALL.c.sample_key, CALL.c.id)).label("rank"))
              .where(scope.where(), CALL.c.agent_id.in_(sorted({agent for agent, _ in wanted})),
                     ~_low(policy), _unassigned(scope))
              .subquery())
    rows = db.session.execute(select(ranked).where(ranked.c.rank <= max(wanted.values())))
    return sorted((id_, channel) for id_, channel, agent, short, rank in rows
                  if rank <= wanted.get((agent, bool(short)), 0))


# ---- the run -----------------------------------------------------------------------------------

def week_scope(tenant: Tenant, week: str, channels) -> WeekCalls:
    start, end = weeks.week_bounds(week, tenant.timezone)
    return WeekCalls(tenant.id, week, start, end, tuple(sorted(channels)), agents_in_scope(tenant, week))


def is_closed(tenant_id: int, week: str) -> bool:
    return db.session.scalar(select(SlaWeekTenant.id).where(SlaWeekTenant.tenant_id == tenant_id,
                                                            SlaWeekTenant.week == week)) is not None


def plan_week(tenant_id: int, week: str, as_of: datetime) -> PlanResult:
    """Plan the tenant's week as of `as_of` and hand out the pool; commits (run in the tenant's context)."""
    tenant = db.session.get(Tenant, tenant_id)
    day = weeks.day_of_week(as_of, week, tenant.timezone)
    empty = pool.Handout(0, 0)
    if is_closed(tenant_id, week):
        return PlanResult(week, day, 0, 0, 0, empty, "the week is closed")
    policy = policy_for_week(tenant_id, week)
    versions = versions_by_channel(tenant, policy.channels)
    if not versions:
        return PlanResult(week, day, 0, 0, 0, empty, "no published scorecard covers the policy's channels")
    if day == 0:
        return PlanResult(week, day, 0, 0, 0, empty, "the week has not started")
    scope = week_scope(tenant, week, versions)
    in_scope = scope.agent_ids()
    counts = [c for c in agent_counts(scope, policy) if c.agent_id in in_scope]
    needs = [needs_for(c, policy, day) for c in counts]
    needy = [c.agent_id for c in counts if c.open_low]  # usually none: ingestion made them already
    low = low_rated_calls(scope, policy, needy) if needy else []
    samples = sample_calls(scope, policy, needs)
    priority_due = as_of + timedelta(hours=policy.priority_turnaround_hours)
    sample_due = as_of + timedelta(hours=policy.sample_turnaround_hours)
    work = [pool.NewWork(id_, versions[channel], "low_rating", priority_due) for id_, channel in low] + \
           [pool.NewWork(id_, versions[channel], "sample", sample_due) for id_, channel in samples]
    created = set(pool.insert_assignments(tenant_id, week, work, as_of))
    handout = pool.hand_out(tenant_id, week, as_of)
    db.session.commit()
    return PlanResult(week, day, low_rating=len(low), samples=len(samples),
                      insufficient_agents=sum(n.insufficient_volume for n in needs), handout=handout,
                      note=f"{len(created)} assignment(s) created")
