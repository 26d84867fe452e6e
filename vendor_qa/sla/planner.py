"""Planning a tenant's ISO week: priority reviews and samples for every agent in scope, set-based.

One pass, whatever the number of agents:

1. one GROUP BY over the week's calls counts, per agent in scope, the calls by
   stratum (short/long, low-rated), and one over the week's assignments counts
   those already assigned;
2. the pure rule (`sampling.plan_agent`) turns each agent's counts into how many
   short and long samples it needs (`needs_for`);
3. one query fetches only those calls: per agent and stratum the lowest
   `sample_key`s, k plus as many as are assigned already (a LATERAL join on the
   (tenant, agent, sample_key) index on PostgreSQL, a window function on
   SQLite), of which the first k unassigned are kept; plus the unassigned
   low-rated calls when the counts show any (on the rating index);
4. one bulk INSERT ... ON CONFLICT DO NOTHING (with the "created" events), then
   the pool is handed out.

All in one transaction: a crash leaves nothing half-planned, and a rerun (or a
run after a crash) creates exactly what is missing, which the unique index
makes the same set of assignments.

Scope: active agents not excluded on any day of the week; calls of the policy's
channels that have a published scorecard (calls of other channels cannot be
evaluated, so they neither count nor get sampled). A closed week is not planned.

Re-checks (vendor_qa.trainings.rechecks): an agent in a training's follow-up window is
topped up to the policy's maximum instead of its target, and within each stratum of
length its calls of the trained channel and topic are taken first. The maximum, the
minimum check and the short/long share are the same rules for everyone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import and_, func, select, text
from sqlalchemy.sql import Select

from vendor_qa import periods
from vendor_qa.calls.models import CHANNELS, Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import UNCOUNTED_REASONS, Assignment
from vendor_qa.sla import pool
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.sla.policy import RATINGS, Policy
from vendor_qa.sla.sampling import Candidate, plan_agent
from vendor_qa.sla.settings import agents_in_scope, policy_for_week, versions_by_channel
from vendor_qa.tenants.models import Tenant
from vendor_qa.trainings import rechecks as training_rechecks

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

def needs_for(counts: Sequence[AgentCounts], policy: Policy, day: int,
              rechecked: frozenset[int] = frozenset()) -> list[Need]:
    """How many short and long samples `plan_agent` takes for each agent with these counts.

    `plan_agent` only looks at how many calls of each kind there are, never at
    which, except to pick the lowest keys; so it runs here on a stand-in list
    built from the counts, and the SQL then picks the real calls by key. That
    keeps one copy of the rules. Each open stratum is capped at the maximum:
    no plan takes more samples than that, and the cap changes neither the
    stratum choice nor the minimum check (a capped stratum alone reaches it).
    Once capped, thousands of agents share a few sets of counts: each set is
    worked out once. The `rechecked` agents (a training's follow-up) aim at the
    maximum: the same rules with the target raised to it.
    """
    cap = policy.maximum
    rechecking = replace(policy, target=policy.maximum)
    known: dict[tuple[int, ...], tuple[int, int, bool]] = {}
    needs = []
    for c in counts:
        boosted = c.agent_id in rechecked
        key = (boosted, c.assigned_low, c.assigned_short, c.assigned_long, c.open_low, min(c.open_short, cap),
               min(c.open_long, cap))
        if key not in known:
            known[key] = _needs(key[1:], rechecking if boosted else policy, day)
        short, long, insufficient = known[key]
        needs.append(Need(c.agent_id, short, long, insufficient))
    return needs


def _needs(key: tuple[int, ...], policy: Policy, day: int) -> tuple[int, int, bool]:
    assigned_low, assigned_short, assigned_long, open_low, open_short, open_long = key
    low_rating = policy.low_rating_threshold
    short, long = 0, policy.short_call_seconds
    kinds = [
        (assigned_low, True, short, low_rating), (assigned_short, True, short, None),
        (assigned_long, True, long, None), (open_low, False, short, low_rating),
        (open_short, False, short, None), (open_long, False, long, None),
    ]
    stand_in: list[Candidate] = []
    for number, assigned, duration, rating in kinds:
        for _ in range(number):
            stand_in.append(Candidate(call_id=len(stand_in), duration_seconds=duration, rating=rating,
                                      sample_key=len(stand_in), assigned=assigned))
    plan = plan_agent(stand_in, policy, day)
    short_ids = {c.call_id for c in stand_in if policy.is_short(c.duration_seconds)}
    picked_short = sum(1 for id_ in plan.samples if id_ in short_ids)
    return picked_short, len(plan.samples) - picked_short, plan.insufficient_volume


# ---- the set-based steps ---------------------------------------------------------------------

def agent_counts(scope: WeekCalls, policy: Policy) -> list[AgentCounts]:
    """Two GROUP BYs: the week's calls by kind, and those of them already assigned by kind.

    The open calls are the difference. Counting the assigned ones apart, from the week's
    assignments (a few thousand rows) joined to their calls, keeps the pass over the
    week's calls as cheap as a plain count: no join to the assignments for every call.
    """
    low = CALL.c.customer_rating <= policy.low_rating_threshold  # NULL (unrated) is not low
    short_not_low = and_(CALL.c.duration_seconds < policy.short_call_seconds, ~_low(policy))

    def by_kind(statement):
        return statement.add_columns(func.count(), func.count().filter(low), func.count().filter(short_not_low))

    calls = db.session.execute(by_kind(select(CALL.c.agent_id)).where(scope.where())
                               .group_by(CALL.c.agent_id).order_by(CALL.c.agent_id)).all()
    assigned = scope.assigned_calls().subquery()
    taken = {agent_id: (total, low_, short) for agent_id, total, low_, short in db.session.execute(
        by_kind(select(CALL.c.agent_id)).select_from(assigned.join(CALL, CALL.c.id == assigned.c.call_id))
        .where(scope.where()).group_by(CALL.c.agent_id))}
    counts = []
    for agent_id, total, low_, short in calls:
        taken_total, taken_low, taken_short = taken.get(agent_id, (0, 0, 0))
        taken_long = taken_total - taken_low - taken_short
        counts.append(AgentCounts(agent_id, total, taken_low, taken_short, taken_long, low_ - taken_low,
                                  short - taken_short, total - low_ - short - taken_long))
    return counts


def assigned_calls(scope: WeekCalls) -> set[int]:
    """Ids of the week's calls that have an assignment already: a few per agent."""
    return set(db.session.scalars(scope.assigned_calls()))


def low_rated_calls(scope: WeekCalls, policy: Policy, agent_ids: list[int],
                    assigned: set[int]) -> list[tuple[int, str]]:
    """(call id, channel) of every unassigned low-rated call of these agents."""
    rows = db.session.execute(
        select(CALL.c.id, CALL.c.channel)
        .where(scope.where(), pool.among(CALL.c.agent_id, agent_ids), _rated_low(policy))
        .order_by(CALL.c.id)).all()
    return [(id_, channel) for id_, channel in rows if id_ not in assigned]


def _rated_low(policy: Policy):
    """`_low` as a list of ratings (1..threshold): one range of the rating index per rating, the
    week bounding each, where `<=` would read the tenant's low-rated calls of every week."""
    return CALL.c.customer_rating.in_(list(range(RATINGS.start, policy.low_rating_threshold + 1)))


def _low(policy: Policy):
    """Rated at or below the threshold; NULL-safe, so that its negation holds for unrated calls."""
    return func.coalesce(CALL.c.customer_rating <= policy.low_rating_threshold, False)


# Per agent and stratum, the `reach` lowest-key calls that are not low-rated, each probe a
# plain range of the (tenant, agent, sample_key) index.
_LATERAL_SAMPLE = text("""
SELECT n.agent_id, n.is_short, picked.sample_key, picked.id, picked.channel
FROM unnest(CAST(:agents AS integer[]), CAST(:shorts AS boolean[]), CAST(:reach AS integer[]))
     AS n(agent_id, is_short, reach)
CROSS JOIN LATERAL (
    SELECT c.sample_key, c.id, c.channel FROM call AS c
    WHERE c.tenant_id = :tenant AND c.agent_id = n.agent_id
      AND c.started_at >= :start AND c.started_at < :end
      AND c.channel = ANY(CAST(:channels AS varchar[]))
      AND (c.duration_seconds < :short_seconds) = n.is_short
      AND (c.customer_rating IS NULL OR c.customer_rating > :threshold)
    ORDER BY c.sample_key, c.id
    LIMIT n.reach
) AS picked
""")


def sample_calls(scope: WeekCalls, policy: Policy, counts: Sequence[AgentCounts], needs: Sequence[Need],
                 assigned: set[int], prefer=None, preferring: frozenset[int] = frozenset()) -> list[tuple[int, str]]:
    """(call id, channel) of the k lowest-key unassigned calls per agent and stratum.

    `prefer` (a SQL rank of a call, 0 first) reorders the calls of the `preferring` agents
    (those re-checked after a training): their candidates are ranked by it before the key,
    on either database, by the window-function query.

    Each agent and stratum is read for k more calls than it has assigned already, lowest
    keys first, and the assigned ones are dropped here: at least k are left. No candidate
    is tested against the assignment table in SQL, a test whose plan went wrong on stale
    statistics (reading the whole index, or every assignment of the week, per candidate).
    """
    taken = {c.agent_id: {True: c.assigned_short, False: c.assigned_long} for c in counts}
    wanted = {(n.agent_id, is_short): k for n in needs for is_short, k in ((True, n.short), (False, n.long))
              if k > 0}
    if not wanted:
        return []
    reach = [(agent, is_short, k + taken[agent][is_short]) for (agent, is_short), k in wanted.items()]
    biased = [] if prefer is None else [r for r in reach if r[0] in preferring]
    reach = [r for r in reach if r not in biased]
    rows = _ranked_candidates(scope, policy, {(a, short): n for a, short, n in biased}, prefer) if biased else []
    if reach and db.session.get_bind().dialect.name == "postgresql":
        agents, shorts, reaches = (list(column) for column in zip(*reach))
        # Its cost estimate (a probe per agent and stratum, each guessed at hundreds of rows)
        # sets off JIT compilation: ~0.3 s, longer than the query runs. For this transaction.
        db.session.execute(text("SET LOCAL jit = off"))
        rows += db.session.execute(_LATERAL_SAMPLE, {
            "agents": agents, "shorts": shorts, "reach": reaches, "tenant": scope.tenant_id,
            "start": scope.start, "end": scope.end, "channels": list(scope.channels),
            "short_seconds": policy.short_call_seconds, "threshold": policy.low_rating_threshold}).all()
    elif reach:
        rows += _ranked_candidates(scope, policy, {(agent, short): n for agent, short, n in reach})
    return _first_unassigned(rows, wanted, assigned)


def _ranked_candidates(scope: WeekCalls, policy: Policy, reach: dict[tuple[int, bool], int],
                       prefer=None) -> list[tuple]:
    """The same candidates by ROW_NUMBER() per agent and stratum (SQLite has no LATERAL), ranked
    by `prefer` first when given. Each comes with its rank as its sort key: the rank follows the
    key where nothing is preferred, and the preference before it where something is."""
    is_short = CALL.c.duration_seconds < policy.short_call_seconds
    order = (CALL.c.sample_key, CALL.c.id) if prefer is None else (prefer, CALL.c.sample_key, CALL.c.id)
    ranked = (select(CALL.c.agent_id, is_short.label("is_short"), CALL.c.id, CALL.c.channel,
                     func.row_number().over(partition_by=(CALL.c.agent_id, is_short), order_by=order).label("rank"))
              .where(scope.where(), CALL.c.agent_id.in_(sorted({agent for agent, _ in reach})), ~_low(policy))
              .subquery())
    rows = db.session.execute(select(ranked).where(ranked.c.rank <= max(reach.values())))
    return [(agent, bool(short), rank, id_, channel) for agent, short, id_, channel, rank in rows
            if rank <= reach.get((agent, bool(short)), 0)]


def _first_unassigned(rows: Sequence[tuple], wanted: dict[tuple[int, bool], int],
                      assigned: set[int]) -> list[tuple[int, str]]:
    """From (agent, is_short, sort key, call id, channel) candidates: per agent and stratum,
    the k lowest-key calls without an assignment; (call id, channel) sorted by call id."""
    by_stratum: dict[tuple[int, bool], list[tuple[int, int, str]]] = defaultdict(list)
    for agent, is_short, key, id_, channel in rows:
        if id_ not in assigned:
            by_stratum[(agent, bool(is_short))].append((key, id_, channel))
    picked = [(id_, channel) for stratum, found in by_stratum.items()
              for _, id_, channel in sorted(found)[:wanted[stratum]]]
    return sorted(picked)


# ---- the run -----------------------------------------------------------------------------------

def week_scope(tenant: Tenant, week: str, channels) -> WeekCalls:
    start, end = periods.week_bounds(week, tenant.timezone)
    return WeekCalls(tenant.id, week, start, end, tuple(sorted(channels)), agents_in_scope(tenant, week))


def is_closed(tenant_id: int, week: str) -> bool:
    return db.session.scalar(select(SlaWeekTenant.id).where(SlaWeekTenant.tenant_id == tenant_id,
                                                            SlaWeekTenant.week == week)) is not None


def plan_week(tenant_id: int, week: str, as_of: datetime) -> PlanResult:
    """Plan the tenant's week as of `as_of` and hand out the pool; commits (run in the tenant's context)."""
    tenant = db.session.get(Tenant, tenant_id)
    day = periods.day_of_week(as_of, week, tenant.timezone)
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
    rechecks = training_rechecks.rechecks_for_week(tenant_id, week)
    rechecked = training_rechecks.rechecked_agents(rechecks)
    needs = needs_for(counts, policy, day, rechecked)
    needy = [c.agent_id for c in counts if c.open_low]  # usually none: ingestion made them already
    assigned = assigned_calls(scope)
    low = low_rated_calls(scope, policy, needy, assigned) if needy else []
    prefer = training_rechecks.preferred(rechecks, CALL.c.agent_id, CALL.c.channel, CALL.c.topic)
    samples = sample_calls(scope, policy, counts, needs, assigned, prefer, rechecked)
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
