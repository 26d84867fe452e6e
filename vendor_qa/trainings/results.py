"""A training's before and after windows read from the stored evaluations, and its verdict.

One GROUP BY per training: per counted evaluation of a trained agent whose call falls in either
window, the trained criteria that applied, those that lost points, and the points earned and
possible on them. The windows are local days of the tenant (periods.local_days); the calls'
start decides the window, since the behaviour trained is the agent's on the call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select

from vendor_qa import periods
from vendor_qa.calls.models import Agent, Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation, EvaluationCriterion
from vendor_qa.reports.counting import counted
from vendor_qa.stats.estimates import summarize
from vendor_qa.trainings import verdict
from vendor_qa.trainings.models import Trainee, Training


@dataclass(frozen=True)
class AgentResult:
    agent: Agent
    before: verdict.Window
    after: verdict.Window


@dataclass(frozen=True)
class Result:
    training: Training
    before_span: tuple[date, date]  # first and last local day
    after_span: tuple[date, date]
    before: verdict.Window
    after: verdict.Window
    verdict: verdict.Verdict
    agents: list[AgentResult]
    coaching: list[Agent]  # did not improve: personal coaching
    live: bool  # the follow-up window is still running: the verdict may change

    @property
    def status(self) -> str:
        return "in progress" if self.live else "finished"


def _spans(training: Training, zone) -> tuple[periods.Period, periods.Period]:
    return (periods.local_days(training.before_starts, training.given_on - timedelta(days=1), zone),
            periods.local_days(training.follow_up_starts, training.follow_up_last, zone))


def _rows(tenant, training: Training, before: periods.Period, after: periods.Period):
    ec = EvaluationCriterion
    window = case((Call.started_at < before.end, "before"), else_="after")
    conditions = [*counted(tenant.id, None), ec.tenant_id == tenant.id, ec.applicable.is_(True),
                  Call.tenant_id == tenant.id, Evaluation.agent_id.in_(
                      select(Trainee.agent_id).where(Trainee.training_id == training.id)),
                  ((Call.started_at >= before.start) & (Call.started_at < before.end))
                  | ((Call.started_at >= after.start) & (Call.started_at < after.end))]
    if training.criterion_keys:
        conditions.append(ec.criterion_key.in_(training.criterion_keys))
    if training.topic:
        conditions.append(Call.topic == training.topic)
    return db.session.execute(
        select(Evaluation.agent_id, window.label("window"), func.count(),
               func.count().filter(ec.earned < ec.possible), func.sum(ec.earned), func.sum(ec.possible))
        .select_from(ec).join(Evaluation, Evaluation.id == ec.evaluation_id)
        .join(Call, Call.id == Evaluation.call_id)
        .where(*conditions)
        .group_by(Evaluation.id, Evaluation.agent_id, window)).all()


def _window(rows) -> verdict.Window:
    """(applicable, lost, earned, possible) per evaluation -> the window's counts and scores."""
    scores = [Decimal(100) * Decimal(earned) / Decimal(possible) for _, _, earned, possible in rows if possible]
    return verdict.Window(sum(lost for _, lost, _, _ in rows), sum(n for n, _, _, _ in rows), summarize(scores))


def result(tenant, training: Training) -> Result:
    zone = tenant.zone
    before, after = _spans(training, zone)
    by_agent: dict[int, dict[str, list]] = defaultdict(lambda: {"before": [], "after": []})
    for agent_id, window, applicable, lost, earned, possible in _rows(tenant, training, before, after):
        by_agent[agent_id][window].append((applicable, lost, earned or 0, possible or 0))
    agents = {t.agent_id: t.agent for t in training.trainees}
    per_agent = {agent_id: (_window(found["before"]), _window(found["after"])) for agent_id, found in by_agent.items()}
    total_before = sum((b for b, _ in per_agent.values()), verdict.Window())
    total_after = sum((a for _, a in per_agent.values()), verdict.Window())
    found = verdict.decide(total_before, total_after, training.expected_improvement / 100)
    rows = [AgentResult(agents[agent_id], *per_agent.get(agent_id, (verdict.Window(), verdict.Window())))
            for agent_id in sorted(agents, key=lambda a: agents[a].display_name)]
    coaching = [agents[a] for a in verdict.not_improved(per_agent) if a in agents]
    return Result(training, before.local_dates(zone), after.local_dates(zone), total_before, total_after, found,
                  rows, coaching, live=training.is_open(periods.today(zone)))
