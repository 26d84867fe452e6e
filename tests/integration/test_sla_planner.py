"""The set-based planner: the same choice as the pure `plan_agent`, idempotent, safe after a crash.

Runs on SQLite and, with DATABASE_URL, on PostgreSQL (where the LATERAL path is used).
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.integration import sla_helpers as sla
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment, AssignmentEvent
from vendor_qa.sla import planner, pool
from vendor_qa.sla.models import AgentExclusion
from vendor_qa.sla.policy import Policy
from vendor_qa.sla.sampling import plan_agent
from vendor_qa.sla.settings import save_policy
from vendor_qa.tenants.scoping import tenant_scope


def _expected(tenant, agents, policy: Policy, day: int) -> set[tuple[int, str]]:
    """What the pure rule plans for each agent, from the calls as they are now."""
    planned = set()
    for agent in agents:
        plan = plan_agent(sla.candidates(tenant, agent.id), policy, day)
        planned |= {(id_, "low_rating") for id_ in plan.low_rating} | {(id_, "sample") for id_ in plan.samples}
    return planned


def _random_week(build, tenant, rng: random.Random, agents: int = 8):
    version = sla.scorecard_for_every_channel(tenant)
    made = []
    for _ in range(agents):
        agent = build.agent(tenant)
        ids = sla.add_calls(tenant, agent, sla.random_specs(rng, rng.randint(0, 25)))
        for call_id in rng.sample(ids, k=min(len(ids), rng.randint(0, 3))):  # some work exists already
            sla.assign(tenant, call_id, version, reason=rng.choice(["manual", "sample", "low_rating"]))
        made.append(agent)
    return made


@pytest.mark.parametrize("seed", range(6))
def test_the_sql_planner_chooses_what_plan_agent_chooses(app, build, seed):
    rng = random.Random(seed)
    tenant = sla.sla_tenant(build)
    agents = _random_week(build, tenant, rng)
    day = rng.randint(1, 7)
    before = sla.assignments(tenant)
    expected = _expected(tenant, agents, Policy(), day)

    with tenant_scope(tenant.id):
        result = planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=day))

    assert sla.assignments(tenant) - before == expected
    assert result.day == day
    assert result.samples + result.low_rating == len(expected)


def test_the_sample_follows_the_policy_of_the_week(app, build):
    tenant = sla.sla_tenant(build)
    agent = build.agent(tenant)
    sla.add_calls(tenant, agent, [(60, None)] * 10 + [(600, None)] * 10)
    policy = Policy(minimum=2, target=4, maximum=5, short_share=0)
    with tenant_scope(tenant.id):
        save_policy(tenant.id, policy, sla.WEEK, None)
        db.session.commit()
        planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=7))
        durations = db.session.scalars(select(planner.CALL.c.duration_seconds).join(
            Assignment, Assignment.call_id == planner.CALL.c.id)).all()
    assert sorted(durations) == [600] * 4  # the target, all long calls


def test_excluded_and_inactive_agents_get_nothing(app, build):
    tenant = sla.sla_tenant(build)
    on_leave, gone, working = build.agent(tenant), build.agent(tenant, active=False), build.agent(tenant)
    for agent in (on_leave, gone, working):
        sla.add_calls(tenant, agent, [(300, 1)] + [(300, None)] * 8)
    with tenant_scope(tenant.id):
        monday = sla.at(tenant, day=1).date()
        db.session.add(AgentExclusion(tenant_id=tenant.id, agent_id=on_leave.id, from_date=monday - timedelta(days=3),
                                      to_date=monday, reason="leave"))
        db.session.commit()
        planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=7))
        agents = set(db.session.scalars(select(planner.CALL.c.agent_id).join(
            Assignment, Assignment.call_id == planner.CALL.c.id)))
    assert agents == {working.id}


def test_planning_twice_changes_nothing(app, build):
    tenant = sla.sla_tenant(build)
    _random_week(build, tenant, random.Random(42))
    grader = build.grader(tenant)
    with tenant_scope(tenant.id):
        first = planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=3))
    once = sla.assignments(tenant)
    with tenant_scope(tenant.id):
        events = db.session.scalar(select(func.count(AssignmentEvent.id)))
        again = planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=3))
        assert db.session.scalar(select(func.count(AssignmentEvent.id))) == events
    assert sla.assignments(tenant) == once
    assert first.samples + first.low_rating > 0 and again.handout.given == 0
    with tenant_scope(tenant.id):
        holders = set(db.session.scalars(select(Assignment.grader_id).where(Assignment.reason.in_(
            ["sample", "low_rating"]))))
    assert holders == {grader.id}


def test_a_crash_half_way_then_a_rerun_leaves_the_same_assignments(app, build, monkeypatch):
    rng = random.Random(7)
    tenant = sla.sla_tenant(build)
    agents = _random_week(build, tenant, rng)
    before = sla.assignments(tenant)
    expected = _expected(tenant, agents, Policy(), 7)

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed after the insert")

    monkeypatch.setattr(pool, "hand_out", crash)
    with tenant_scope(tenant.id), pytest.raises(RuntimeError):
        planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=7))
    db.session.rollback()  # what the job's teardown does
    monkeypatch.undo()
    with tenant_scope(tenant.id):
        planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=7))
    assert sla.assignments(tenant) - before == expected


def test_a_rerun_after_part_was_committed_completes_the_plan(app, build):
    """As if an earlier run had inserted part of the plan: the rerun adds only the rest."""
    tenant = sla.sla_tenant(build)
    agents = _random_week(build, tenant, random.Random(3))
    before = sla.assignments(tenant)
    expected = _expected(tenant, agents, Policy(), 7)
    version = sla.scorecard_for_every_channel(tenant)
    part = sorted(expected)[: len(expected) // 2]
    for call_id, reason in part:
        sla.assign(tenant, call_id, version, reason=reason)
    with tenant_scope(tenant.id):
        planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=7))
    assert sla.assignments(tenant) - before == expected


def test_a_day_by_day_week_ends_at_the_target(app, build):
    tenant = sla.sla_tenant(build)
    agent = build.agent(tenant)
    sla.add_calls(tenant, agent, [(60, None), (600, None)] * 10)
    counts = []
    for day in range(1, 8):
        with tenant_scope(tenant.id):
            planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=day))
        counts.append(len(sla.assignments(tenant)))
    assert counts == [1, 2, 3, 4, 5, 6, 6]


def test_a_week_not_started_or_closed_is_not_planned(app, build):
    tenant = sla.sla_tenant(build)
    sla.add_calls(tenant, build.agent(tenant), [(60, 1)] * 6)
    with tenant_scope(tenant.id):
        early = planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=1) - timedelta(days=2))
    assert early.day == 0 and sla.assignments(tenant) == set()


def test_planning_without_a_scorecard_says_so(app, build):
    tenant = build.tenant()
    sla.add_calls(tenant, build.agent(tenant), [(60, 1)] * 6)
    with tenant_scope(tenant.id):
        result = planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=7))
    assert "no published scorecard" in result.note and sla.assignments(tenant) == set()
