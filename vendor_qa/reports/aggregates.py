"""Report aggregates: set-based SQL over a tenant's evaluations, returned as plain dataclasses.

Every function takes (tenant, period, filters) and needs the tenant's scope open (a request
bound by `bind_tenant_from_url`, or `tenant_scope(tenant.id)` in a job). They also filter by
tenant explicitly, because the automatic scoping does not reach into subqueries.

Which evaluations count is decided in ONE place, `counted` (counting.py, re-exported here):
submitted, of this tenant, in the period, within the filters, and never of an UNCOUNTED_REASONS
assignment (calibration is the vendor checking its graders, not a measurement of the client's
agents). The period figures read the rollups of that set (rollups.py: exact integer sums per
day, per agent and week or month, per agent and criterion), the leftover days of a custom
range and the team-filtered tenant figures read it raw; each figure is one GROUP BY, and Python
only adds up a handful of grouped rows and turns sums into means.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Sequence

from sqlalchemy import Float, case, cast, func, or_, select
from sqlalchemy.orm import joinedload

from vendor_qa import clock, periods
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation, EvaluationCriterion
from vendor_qa.pagination import Page
from vendor_qa.periods import Period, ReportPeriod
from vendor_qa.reports import lost_points, rollups, verdicts
from vendor_qa.reports.counting import SCALE, Filters, counted, scaled
from vendor_qa.reports.statistics import EMPTY, Interval, Summary, interval, mean, rate_interval, share
from vendor_qa.scorecards.models import Criterion, ScorecardVersion
from vendor_qa.scorecards.rules import exact, tenant_bands
from vendor_qa.scorecards.scoring import Band, band_for
from vendor_qa.stats import bands as stats_bands
from vendor_qa.stats import differences

TREND_MIN_WEEKS = 6
QUALITY_FILE_MONTHS = 12
FAILING_AGENTS_LISTED = 10  # per criterion, for individual coaching; the count says how many more
AGENT_SORTS = ("name", "evaluations", "average", "certainty", "change", "last")
UNTEAMED = "No team"


def _decimal(value: Any) -> Decimal:
    # Sums come back as int or Decimal; an average over SQLite as a float, read through its text.
    return Decimal(0) if value is None else value if isinstance(value, Decimal) else Decimal(str(value))


_scaled = scaled(Evaluation.total)


def _summary_columns() -> tuple:
    """count, sum and sum of squares of the totals (in ten-thousandths): a statistics.Summary once read."""
    return func.count(Evaluation.total), func.sum(_scaled), func.sum(_scaled * _scaled)


def _summary(n: int | None, total: Any, total_sq: Any) -> Summary:
    return Summary(int(n or 0), _decimal(total) / SCALE, _decimal(total_sq) / (SCALE * SCALE))


def _bucket(column, spans: Sequence[Period]):
    """The index of the span holding `column` (spans are consecutive), as one CASE."""
    return case(*((column < span.end, index) for index, span in enumerate(spans)))


class _Summarised:
    """The average and its 95% interval of a row that carries the `summary` of its scores."""

    summary: Summary

    @property
    def average(self) -> Decimal | None:
        return mean(self.summary)

    @property
    def interval(self) -> Interval | None:
        return interval(self.summary)


@dataclass(frozen=True)
class Scores(_Summarised):
    """The score statistics of some set of evaluations."""

    evaluations: int
    summary: Summary = EMPTY
    passed: int = 0
    auto_failed: int = 0

    def __add__(self, other: "Scores") -> "Scores":
        return Scores(self.evaluations + other.evaluations, self.summary + other.summary,
                      self.passed + other.passed, self.auto_failed + other.auto_failed)

    @property
    def pass_rate(self) -> Decimal | None:
        return share(self.passed, self.evaluations)

    @property
    def auto_fail_rate(self) -> Decimal | None:
        return share(self.auto_failed, self.evaluations)

    @property
    def pass_rate_interval(self) -> Interval | None:
        return rate_interval(self.passed, self.evaluations)

    @property
    def auto_fail_rate_interval(self) -> Interval | None:
        return rate_interval(self.auto_failed, self.evaluations)


NO_SCORES = Scores(0)


def _scores_columns() -> tuple:
    return (func.count(Evaluation.id), *_summary_columns(),
            func.count(case((Evaluation.passed.is_(True), 1))),
            func.count(case((Evaluation.auto_failed.is_(True), 1))))


def _scores(n, scored, total, total_sq, passed, auto_failed) -> Scores:
    return Scores(int(n or 0), _summary(scored, total, total_sq), int(passed or 0), int(auto_failed or 0))


# ---- tenant figures and the weekly trend ---------------------------------------------------------

@dataclass(frozen=True)
class TrendPoint:
    period: ReportPeriod
    scores: Scores


@dataclass(frozen=True)
class Overview:
    scores: Scores  # of the period
    trend: list[TrendPoint]  # ISO weeks, oldest first, at least TREND_MIN_WEEKS ending with the period's last


def trend_weeks(tenant, period: ReportPeriod) -> list[ReportPeriod]:
    weeks = periods.weeks_overlapping(period.first, period.last, tenant.zone)
    while len(weeks) < TREND_MIN_WEEKS:
        weeks.insert(0, periods.previous(weeks[0], tenant.zone))
    return weeks


def _segments(weeks: list[ReportPeriod], period: ReportPeriod) -> list[Period]:
    """The weeks cut at the period's bounds: each piece lies in one week and wholly in or out of the period."""
    cuts = sorted({w.bounds.start for w in weeks} | {weeks[-1].bounds.end, period.bounds.start, period.bounds.end})
    cuts = [c for c in cuts if weeks[0].bounds.start <= c <= weeks[-1].bounds.end]
    return [Period(a, b) for a, b in zip(cuts, cuts[1:])]


def overview(tenant, period: ReportPeriod, filters: Filters = Filters()) -> Overview:
    """The period's figures and the weekly trend, from one grouped read of the trend's weeks."""
    weeks = trend_weeks(tenant, period)
    segments = _segments(weeks, period)
    if filters.team_id is None:
        days = [s.local_dates(tenant.zone) for s in segments]
        bucket = case(*((rollups.DayRollup.day <= last, index) for index, (_, last) in enumerate(days)))
        statement = rollups.day_scores(tenant, days[0][0], days[-1][1], filters, bucket)
    else:
        bucket = _bucket(Evaluation.submitted_at, segments)
        statement = (select(bucket, *_scores_columns())
                     .where(*counted(tenant.id, Period(segments[0].start, segments[-1].end), filters))
                     .group_by(bucket))
    by_segment = {index: _scores(*values) for index, *values in db.session.execute(statement)}

    def within(outer: Period) -> Scores:
        return sum((by_segment.get(i, NO_SCORES) for i, s in enumerate(segments)
                    if outer.start <= s.start and s.end <= outer.end), NO_SCORES)

    return Overview(within(period.bounds), [TrendPoint(w, within(w.bounds)) for w in weeks])


# ---- bands -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BandCount:
    band: Band
    agents: int


def _band_of(total, scored, bands: Sequence[Band]):
    """SQL: the band of the average total / scored (in ten-thousandths), highest minimum not above it,
    compared exactly in integers as band_for does."""
    def reaches(band: Band):
        minimum = exact(band.min_score) * SCALE
        return total * minimum.denominator >= scored * minimum.numerator
    return case(*((reaches(b), b.name) for b in reversed(bands)), else_=bands[0].name)


def _scores_in(found) -> tuple:
    """The Scores columns of a per-agent subquery of rollups.agent_scores, summed."""
    return tuple(func.sum(found.c[name]) for name in rollups.SCORE_NAMES[:-1])


def band_distribution(tenant, period: ReportPeriod, filters: Filters = Filters()) -> list[BandCount]:
    """Agents per band of their average score over the period (seed 002: bands are about agents)."""
    bands = tenant_bands(tenant)
    found = rollups.agent_scores(tenant, period.first, period.last, filters)
    band = _band_of(found.c.total, found.c.scored, bands)
    counts = dict(db.session.execute(select(band, func.count()).where(found.c.scored > 0).group_by(band)).tuples().all())
    return [BandCount(b, int(counts.get(b.name, 0))) for b in bands]


# ---- teams -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TeamRow:
    team_id: int | None
    name: str
    agents: int
    scores: Scores


def teams(tenant, period: ReportPeriod, filters: Filters = Filters()) -> list[TeamRow]:
    """Each team's figures side by side, best average first."""
    found = rollups.agent_scores(tenant, period.first, period.last, filters)
    rows = db.session.execute(
        select(Agent.team_id, Team.name, func.count(), *_scores_in(found))
        .select_from(found).join(Agent, Agent.id == found.c.agent_id).outerjoin(Team, Team.id == Agent.team_id)
        .where(Agent.tenant_id == tenant.id)
        .group_by(Agent.team_id, Team.name)
    ).all()
    found = [TeamRow(team_id, name or UNTEAMED, int(agents), _scores(*values))
             for team_id, name, agents, *values in rows]
    return sorted(found, key=lambda t: (-(t.scores.average or -1), t.name))


# ---- agents ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgentRow(_Summarised):
    agent_id: int
    name: str
    code: str
    team: str
    summary: Summary
    evaluations: int
    last_at: datetime
    previous: Summary  # of the previous period
    band: Band | None
    band_probability: float | None = None  # that the true mean lies in `band` (stats.bands); None below two scores
    previous_band: Band | None = None
    change_supported: bool | None = None  # a band change that holds at 95%; None when the band did not change
    customer_rating: Decimal | None = None  # the average rating of the evaluated calls
    rated: int = 0

    @property
    def previous_average(self) -> Decimal | None:
        return mean(self.previous)

    @property
    def change(self) -> Decimal | None:
        if self.average is None or self.previous_average is None:
            return None
        return self.average - self.previous_average


def _average(found):
    """SQL, for ordering only: the average in ten-thousandths as a float (the figures are exact)."""
    return cast(found.c.total, Float) / func.nullif(found.c.scored, 0)


def agents_page(tenant, period: ReportPeriod, filters: Filters = Filters(), *, search: str | None = None,
                sort: str = "average", descending: bool = False, page: int = 1, per_page: int = 25) -> Page:
    """The agents evaluated in the period, with their change from the previous period: one query a page.

    Sorted by certainty (the probability of the band, from the core), every matching agent is
    read and the page cut in Python: a probability is no column to order by in SQL.
    """
    current = rollups.agent_scores(tenant, period.first, period.last, filters)
    previous = periods.previous(period, tenant.zone)
    before = rollups.agent_scores(tenant, previous.first, previous.last, filters)
    change = _average(current) - _average(before)
    order = {"name": Agent.display_name, "evaluations": current.c.evaluations, "average": _average(current),
             "certainty": Agent.display_name, "change": change,
             "last": current.c.last_at}[sort if sort in AGENT_SORTS else "average"]
    by_certainty = sort == "certainty"
    order = order.desc() if descending else order.asc()
    stmt = (select(Agent.id, Agent.display_name, Agent.code, Team.name, current.c.evaluations, current.c.scored,
                   current.c.total, current.c.total_sq, current.c.last_at, before.c.scored, before.c.total,
                   before.c.total_sq, func.count().over().label("matching"))
            .join(current, current.c.agent_id == Agent.id)
            .outerjoin(before, before.c.agent_id == Agent.id).outerjoin(Team, Team.id == Agent.team_id)
            .where(Agent.tenant_id == tenant.id)
            .order_by(order.nulls_last(), Agent.display_name, Agent.id))
    first = (max(page, 1) - 1) * per_page
    if not by_certainty:
        stmt = stmt.limit(per_page).offset(first)
    if search:
        stmt = stmt.where(or_(Agent.display_name.icontains(search, autoescape=True),
                              Agent.code.icontains(search, autoescape=True)))
    rows = db.session.execute(stmt).all()
    bands = tenant_bands(tenant)
    agents = [_agent_row(row, bands) for row in rows]
    if by_certainty:
        agents = sorted(agents, key=lambda a: (a.band_probability is None,
                                               -(a.band_probability or 0) if descending else a.band_probability or 0))
        agents = agents[first:first + per_page]
    agents = _with_ratings(tenant.id, period, filters, agents)
    return Page(agents, max(page, 1), per_page, int(rows[0].matching) if rows else 0)


def _agent_row(row, bands: Sequence[Band]) -> AgentRow:
    agent_id, name, code, team, n, scored, total, total_sq, last_at, scored_before, total_before, sq_before, _ = row
    summary, previous = _summary(scored, total, total_sq), _summary(scored_before, total_before, sq_before)
    minimums = [b.min_score for b in bands]
    call = stats_bands.band_call(summary, minimums)
    return AgentRow(agent_id, name, code, team or UNTEAMED, summary, int(n), last_at, previous,
                    band_for(mean(summary), bands), call.probability if call else None,
                    band_for(mean(previous), bands), stats_bands.change_supported(previous, summary, minimums))


def _with_ratings(tenant_id: int, period: ReportPeriod, filters: Filters, rows: list[AgentRow]) -> list[AgentRow]:
    """The customers' average rating of each listed agent's evaluated calls, beside the QA score."""
    if not rows:
        return rows
    ratings = {agent_id: (share(int(points), int(rated)), int(rated)) for agent_id, points, rated in db.session.execute(
        select(Evaluation.agent_id, func.coalesce(func.sum(Call.customer_rating), 0), func.count(Call.customer_rating))
        .join(Call, Call.id == Evaluation.call_id)
        .where(*counted(tenant_id, period.bounds, filters), Evaluation.agent_id.in_([r.agent_id for r in rows]))
        .group_by(Evaluation.agent_id))}
    return [_rated(row, *ratings.get(row.agent_id, (None, 0))) for row in rows]


def _rated(row: AgentRow, average: Decimal | None, rated: int) -> AgentRow:
    return replace(row, customer_rating=average, rated=rated)


# ---- problem areas: criteria, systemic vs individual, topics -----------------------------------

@dataclass(frozen=True)
class FailingAgent:
    agent_id: int
    name: str
    code: str
    lost: int  # evaluations in which this agent lost points on the criterion
    applicable: int


@dataclass(frozen=True)
class CriterionProblem:
    key: str  # the criterion across scorecard versions
    text: str
    ability: str | None
    applicable: int  # evaluations where it applied
    lost: int  # ... and lost points
    points_lost: Fraction  # exact (lost_points.py), rounded once where it is shown
    agents: int  # agents evaluated on it
    agents_lost: int  # ... who lost points on it at least once (descriptive: the verdict is a test)
    verdict: str = differences.NONE  # systemic, individual or none (vendor_qa.stats.differences)
    loss_interval: Interval | None = None  # the pooled loss rate's 95% interval
    standing_out: int = 0  # agents who lose it more often than the rest
    # those agents, worst first, at most FAILING_AGENTS_LISTED
    failing_agents: list[FailingAgent] = field(default_factory=list)

    @property
    def systemic(self) -> bool:
        return self.verdict == differences.SYSTEMIC

    @property
    def individual(self) -> bool:
        return self.verdict == differences.INDIVIDUAL

    @property
    def loss_share(self) -> Decimal | None:
        return share(self.lost, self.applicable)

    @property
    def agent_share(self) -> Decimal | None:
        return share(self.agents_lost, self.agents)


def systemic_share(tenant) -> Decimal:
    """The pooled loss rate from which a criterion that agents do not differ on is systemic."""
    return Decimal(str(tenant.setting("systemic_share")))


def criteria_problems(tenant, period: ReportPeriod, filters: Filters = Filters()) -> list[CriterionProblem]:
    """Per criterion: how often it lost points, how many points, by how many agents; worst first.

    Whether it is systemic (group training) or individual (the agents who stand out, for
    coaching) is the core's test (stats.differences.classify) of each agent's losses against
    the tenant's systemic loss rate, read from the verdicts kept by a job (verdicts.py) and
    tested here only when the inputs changed since. Queries: each (criterion, agent)'s counts
    (the criterion's totals are their sums), the stored verdicts, the names of the agents who
    stand out, the points lost.
    """
    by_key = criterion_losses(tenant, period, filters)
    found = verdicts.verdicts(tenant.id, by_key, float(systemic_share(tenant)))
    names = _agent_names({agent_id for v in found.values() for agent_id, _ in v.standing_out[:FAILING_AGENTS_LISTED]})
    texts = _criteria_texts(set(by_key))
    points = lost_points.points_lost(tenant.id, period.bounds, filters)
    problems = []
    for key, losses in by_key.items():
        text, ability = texts.get(key, (key, None))
        verdict = found[key]
        failing = [FailingAgent(agent_id, *names[agent_id], agent.lost, agent.applicable)
                   for agent_id, agent in verdict.standing_out[:FAILING_AGENTS_LISTED]]
        problems.append(CriterionProblem(key, text, ability, sum(n for *_, n in losses), sum(lost for _, lost, _ in losses),
                                         points.get(key, Fraction(0)), len(losses),
                                         sum(1 for _, lost, _ in losses if lost > 0), verdict.kind, verdict.pooled,
                                         len(verdict.standing_out), failing))
    return sorted(problems, key=lambda p: (-(p.loss_share or 0), -p.points_lost, p.text))


def criterion_losses(tenant, period: ReportPeriod, filters: Filters = Filters()) -> dict[str, list[tuple[int, int, int]]]:
    """Per criterion key, each agent's (agent id, evaluations where it lost points, where it applied),
    by agent id: plain tuples, 20,000 of them a month at scale.

    Agents on whom it never applied in the period are left out (they are no evidence either way).
    Sorted here, not in SQL: the database's collation sort of the text keys cost more.
    """
    sums = rollups.criterion_sums(tenant, period.first, period.last, filters)
    applied = select(sums).where(sums.c.applicable > 0).subquery()
    by_key: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for key, agent_id, lost, applicable in sorted(db.session.execute(
            select(applied.c.key, applied.c.agent_id, applied.c.lost, applied.c.applicable)).tuples()):
        by_key[key].append((agent_id, int(lost), int(applicable)))
    return dict(by_key)


def _agent_names(agent_ids: set[int]) -> dict[int, tuple[str, str]]:
    if not agent_ids:
        return {}
    rows = db.session.execute(select(Agent.id, Agent.display_name, Agent.code).where(Agent.id.in_(agent_ids)))
    return {agent_id: (name, code) for agent_id, name, code in rows}


def _criteria_texts(keys: set[str]) -> dict[str, tuple[str, str | None]]:
    """Each criterion key's text and ability tag as its newest version words them."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(Criterion.key, Criterion.text, Criterion.ability).where(Criterion.key.in_(keys)).order_by(Criterion.id)
    )
    return {key: (text, ability) for key, text, ability in rows}


@dataclass(frozen=True)
class TopicRow:
    topic: str
    scores: Scores

    @property
    def fail_share(self) -> Decimal | None:
        return share(self.scores.evaluations - self.scores.passed, self.scores.evaluations)


NO_TOPIC = "(no topic)"


def topic_problems(tenant, period: ReportPeriod, filters: Filters = Filters()) -> list[TopicRow]:
    """Per call topic: the share of evaluations that failed and the average; worst first."""
    if filters.team_id is None:
        statement = rollups.day_scores(tenant, period.first, period.last, filters, rollups.DayRollup.topic)
    else:
        statement = (select(Call.topic, *_scores_columns()).join(Call, Call.id == Evaluation.call_id)
                     .where(*counted(tenant.id, period.bounds, filters)).group_by(Call.topic))
    rows = db.session.execute(statement).all()
    found = [TopicRow(topic or NO_TOPIC, _scores(*values)) for topic, *values in rows]
    return sorted(found, key=lambda t: (-(t.fail_share or 0), t.scores.average or 0, t.topic))


# ---- SLA fulfilment ----------------------------------------------------------------------------

def sla_fulfilment(tenant, period: ReportPeriod, filters: Filters = Filters(), as_of: datetime | None = None):
    """The period's SLA fulfilment from its closed weeks (vendor_qa.sla.fulfilment: the SLA's own unit).

    The channel filter does not apply: the tenant's SLA policy says which channels count.
    """
    # The SLA engine sits above reports in the import order.
    from vendor_qa.sla import fulfilment

    return fulfilment.of_period(tenant, period, filters.team_id, as_of or clock.now())


# ---- the agent's quality file ------------------------------------------------------------------

def agent_evaluations_statement(tenant, agent_id: int):
    """Every counted evaluation of the agent, newest first (paginate it)."""
    return (select(Evaluation).where(*counted(tenant.id, None), Evaluation.agent_id == agent_id)
            .options(joinedload(Evaluation.call),
                     joinedload(Evaluation.scorecard_version).joinedload(ScorecardVersion.scorecard))
            .order_by(Evaluation.submitted_at.desc(), Evaluation.id.desc()))


def agent_trend(tenant, agent_id: int, months: list[ReportPeriod]) -> list[TrendPoint]:
    """The agent's scores month by month."""
    span = Period(months[0].bounds.start, months[-1].bounds.end)
    bucket = _bucket(Evaluation.submitted_at, [m.bounds for m in months])
    rows = db.session.execute(
        select(bucket, *_scores_columns()).where(*counted(tenant.id, span), Evaluation.agent_id == agent_id)
        .group_by(bucket)
    ).all()
    found = {index: _scores(*values) for index, *values in rows}
    return [TrendPoint(m, found.get(i, NO_SCORES)) for i, m in enumerate(months)]


@dataclass(frozen=True)
class AbilityScore:
    earned: Decimal
    possible: Decimal

    @property
    def percent(self) -> Decimal | None:
        return 100 * self.earned / self.possible if self.possible else None


@dataclass(frozen=True)
class AbilityProfile:
    tags: list[str]  # every tag seen, in the tenant's order first
    months: list[ReportPeriod]
    overall: dict[str, AbilityScore]  # over all the months
    by_month: list[dict[str, AbilityScore]]  # one per month, same order


def ability_profile(tenant, agent_id: int, months: list[ReportPeriod]) -> AbilityProfile:
    """Earned / possible points of the agent's applicable criteria, per ability tag, overall and per month."""
    ec = EvaluationCriterion
    span = Period(months[0].bounds.start, months[-1].bounds.end)
    bucket = _bucket(Evaluation.submitted_at, [m.bounds for m in months])
    rows = db.session.execute(
        select(bucket, Criterion.ability, func.sum(ec.earned), func.sum(ec.possible))
        .select_from(ec).join(Evaluation, Evaluation.id == ec.evaluation_id).join(Criterion, Criterion.id == ec.criterion_id)
        .where(*counted(tenant.id, span), Evaluation.agent_id == agent_id, ec.tenant_id == tenant.id,
               ec.applicable.is_(True), Criterion.ability.is_not(None))
        .group_by(bucket, Criterion.ability)
    ).all()
    by_month: list[dict[str, AbilityScore]] = [{} for _ in months]
    overall: dict[str, AbilityScore] = {}
    for index, tag, earned, possible in rows:
        score = AbilityScore(_decimal(earned), _decimal(possible))
        by_month[index][tag] = score
        before = overall.get(tag, AbilityScore(Decimal(0), Decimal(0)))
        overall[tag] = AbilityScore(before.earned + score.earned, before.possible + score.possible)
    known = list(tenant.setting("ability_tags"))
    tags = [t for t in known if t in overall] + sorted(t for t in overall if t not in known)
    return AbilityProfile(tags, months, overall, by_month)
