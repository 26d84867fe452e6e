"""The rollup-based figures equal the figures of the raw rows, for random evaluations.

Random evaluations (agents in teams and without, every channel, topics or none, every
assignment reason, around midnights and the October DST change) are written as a
submission writes them, so `evaluation_scored` keeps the rollups. Every dashboard figure is
then recomputed here from the raw rows, without the report code, for months, weeks and
custom ranges (whole months and weeks from the rollups, leftover days raw), with and without
team and channel filters. Uncounted reasons never count. A correction replaces an
evaluation's share of the rollups, and `rollups rebuild` gives back the same rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.integration import report_data
from tests.integration.report_data import FULL, HALF, NA, NONE, OSLO, oslo, raw_evaluations
from tests.integration.test_dashboard import _verdict
from vendor_qa import periods
from vendor_qa.extensions import db
from vendor_qa.grading.models import REASONS, UNCOUNTED_REASONS, Evaluation
from vendor_qa.grading.signals import evaluation_scored
from vendor_qa.reports import aggregates, rollups
from vendor_qa.reports.aggregates import Filters
from vendor_qa.scorecards.scoring import DEFAULT_BANDS, band_for
from vendor_qa.tenants.scoping import tenant_scope

CHANNELS = ("phone", "chat", "email")
TOPICS = ("billing", "refund", None)
PERIODS = ("2026-10", "2026-W44", "2026-09-24..2026-11-03", "2026-10-14..2026-10-16")


@pytest.fixture(scope="module", params=[11, 12])
def seed(request):
    return request.param


@pytest.fixture
def world(build, seed):
    rng = random.Random(seed)
    tenant = build.tenant(timezone=OSLO)
    grader = build.user("grader", certify=[tenant])
    teams = [build.team(tenant, "Red"), build.team(tenant, "Blue")]
    agents = [build.agent(tenant, team=rng.choice(teams + [None]), display_name=f"Agent {n}") for n in range(6)]
    card = report_data.scorecard(tenant)
    start = oslo(2026, 9, 20)
    for _ in range(70):
        when = start + timedelta(days=rng.randrange(48), hours=rng.choice((0, 1, 12, 22, 23)),
                                 minutes=rng.choice((0, 30, 59)))
        reason = rng.choice(REASONS if rng.random() < 0.7 else UNCOUNTED_REASONS)
        report_data.evaluate(build, tenant, rng.choice(agents), grader, card,
                             [rng.choice((FULL, HALF, NONE))]  # never all N/A
                             + [rng.choice((FULL, FULL, HALF, NONE, NA)) for _ in card.criteria[1:]], when,
                             reason=reason, auto_failed=rng.random() < 0.1, channel=rng.choice(CHANNELS),
                             topic=rng.choice(TOPICS), rating=rng.choice((1, 3, 5, None)))
    return tenant, teams, agents


def _counted(tenant, period, filters: Filters, agents) -> list:
    team = {a.id for a in agents if filters.team_id is None or a.team_id == filters.team_id}
    return [r for r in raw_evaluations() if r.tenant_id == tenant.id and r.reason not in UNCOUNTED_REASONS
            and period.bounds.start <= r.submitted_at < period.bounds.end and r.agent_id in team
            and (filters.channel is None or r.channel == filters.channel)]


def _scores(rows) -> tuple:
    totals = [r.total for r in rows]
    return (len(rows), sum(totals, Decimal(0)) / len(rows) if rows else None,
            sum((t * t for t in totals), Decimal(0)), sum(r.passed for r in rows), sum(r.auto_failed for r in rows))


def _figures(scores) -> tuple:
    return (scores.evaluations, scores.average, scores.summary.total_sq, scores.passed, scores.auto_failed)


def _filters(teams) -> list[Filters]:
    return [Filters(), Filters(team_id=teams[0].id), Filters(channel="chat"), Filters(teams[1].id, "phone")]


@pytest.mark.parametrize("key", PERIODS)
def test_every_figure_equals_the_raw_rows(world, key):
    tenant, teams, agents = world
    period = periods.parse_period(key, tenant.zone)
    before = periods.previous(period, tenant.zone)
    with tenant_scope(tenant.id):
        for filters in _filters(teams):
            rows = _counted(tenant, period, filters, agents)
            overview = aggregates.overview(tenant, period, filters)
            assert _figures(overview.scores) == _scores(rows), filters
            for point in overview.trend:
                assert _figures(point.scores) == _scores(_counted(tenant, point.period, filters, agents))

            by_agent = defaultdict(list)
            for r in rows:
                by_agent[r.agent_id].append(r)
            bands = defaultdict(int)
            for mine in by_agent.values():
                bands[band_for(_scores(mine)[1], DEFAULT_BANDS).name] += 1
            assert {b.band.name: b.agents for b in aggregates.band_distribution(tenant, period, filters)} == \
                {b.name: bands[b.name] for b in DEFAULT_BANDS}

            previous = defaultdict(list)
            for r in _counted(tenant, before, filters, agents):
                previous[r.agent_id].append(r)
            page = aggregates.agents_page(tenant, period, filters, per_page=100)
            assert {row.agent_id for row in page.items} == set(by_agent)
            for row in page.items:
                mine = by_agent[row.agent_id]
                assert (row.evaluations, row.average, row.summary.total_sq) == _scores(mine)[:3]
                assert row.last_at == max(r.submitted_at for r in mine)
                old = _scores(previous[row.agent_id])[1] if previous[row.agent_id] else None
                assert row.change == (None if old is None else row.average - old)

            team_of = {a.id: a.team_id for a in agents}
            found = {t.team_id: t for t in aggregates.teams(tenant, period, filters)}
            assert set(found) == {team_of[a] for a in by_agent}
            for team_id, row in found.items():
                mine = [r for r in rows if team_of[r.agent_id] == team_id]
                assert _figures(row.scores) == _scores(mine)
                assert row.agents == len({r.agent_id for r in mine})

            topics = {t.topic: t for t in aggregates.topic_problems(tenant, period, filters)}
            assert set(topics) == {r.topic or aggregates.NO_TOPIC for r in rows}
            for name, topic in topics.items():
                mine = [r for r in rows if (r.topic or aggregates.NO_TOPIC) == name]
                assert _figures(topic.scores) == _scores(mine)

            _criteria_match(aggregates.criteria_problems(tenant, period, filters), rows, aggregates.systemic_share(tenant))


def _criteria_match(found, rows, share: Decimal) -> None:
    truth = defaultdict(lambda: {"applicable": 0, "lost": 0, "points": Decimal(0), "agents": set(),
                                 "losers": defaultdict(int), "by_agent": defaultdict(lambda: [0, 0])})
    for r in rows:
        for key, applicable, earned, possible in r.criteria:
            if applicable:
                t = truth[key]
                t["applicable"] += 1
                t["points"] += possible - earned
                t["agents"].add(r.agent_id)
                t["by_agent"][r.agent_id][1] += 1
                t["by_agent"][r.agent_id][0] += earned < possible
                if earned < possible:
                    t["lost"] += 1
                    t["losers"][r.agent_id] += 1
    assert {p.key for p in found} == set(truth)
    for p in found:
        t = truth[p.key]
        assert (p.applicable, p.lost, p.points_lost) == (t["applicable"], t["lost"], t["points"])
        assert (p.agents, p.agents_lost) == (len(t["agents"]), len(t["losers"]))
        standing_out, systemic = _verdict(t["by_agent"], float(share))  # docs/methods.md's test, recomputed
        assert p.systemic == systemic
        assert {(a.agent_id, a.lost) for a in p.failing_agents} == {(a, t["losers"][a]) for a in standing_out}


def _rollup_rows(tenant_id: int) -> dict:
    tables = {}
    for model in (rollups.DayRollup, rollups.AgentRollup, rollups.CriterionRollup):
        table = model.__table__
        tables[table.name] = sorted(tuple(row) for row in db.session.execute(
            select(table).where(table.c.tenant_id == tenant_id)))
    return tables


def test_uncounted_reasons_never_reach_the_rollups(world):
    tenant, _, _ = world
    uncounted = [r for r in raw_evaluations() if r.tenant_id == tenant.id and r.reason in UNCOUNTED_REASONS]
    counted = [r for r in raw_evaluations() if r.tenant_id == tenant.id and r.reason not in UNCOUNTED_REASONS]
    assert uncounted  # the random data has some
    with tenant_scope(tenant.id):
        in_days = sum(row.evaluations for row in db.session.scalars(select(rollups.DayRollup)))
        in_months = sum(row.evaluations for row in db.session.scalars(
            select(rollups.AgentRollup).where(rollups.AgentRollup.grain == "month")))
    assert in_days == in_months == len(counted)


def test_a_correction_replaces_the_evaluations_share_and_a_rebuild_changes_nothing(world, runner):
    tenant, teams, agents = world
    period = periods.parse_period("2026-10", tenant.zone)
    with tenant_scope(tenant.id):
        evaluation = db.session.scalar(select(Evaluation).where(
            Evaluation.submitted_at >= period.bounds.start, Evaluation.submitted_at < period.bounds.end)
            .order_by(Evaluation.id))
        # A dispute's correction: every criterion now fully earned, the score 100.
        for row in evaluation.criteria:
            if row.applicable:
                row.earned = row.possible
        evaluation.total, evaluation.passed, evaluation.auto_failed = Decimal(100), True, False
        db.session.flush()
        evaluation_scored.send(evaluation)
        db.session.commit()
        rows = _counted(tenant, period, Filters(), agents)
        assert _figures(aggregates.overview(tenant, period).scores) == _scores(rows)
        _criteria_match(aggregates.criteria_problems(tenant, period), rows, aggregates.systemic_share(tenant))
        kept = _rollup_rows(tenant.id)

    result = runner.invoke(args=["reports", "rollups", "rebuild", "--tenant", tenant.slug])
    assert result.exit_code == 0, result.output
    assert f"{tenant.slug}: rollups rebuilt" in result.output
    db.session.expire_all()
    with tenant_scope(tenant.id):
        assert _rollup_rows(tenant.id) == kept


def test_rebuild_names_an_unknown_tenant(runner):
    result = runner.invoke(args=["reports", "rollups", "rebuild", "--tenant", "no-such-tenant"])
    assert result.exit_code != 0 and "no tenant with slug" in result.output
