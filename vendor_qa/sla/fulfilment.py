"""SLA fulfilment of a report period: the share of agent-weeks that met the quota, closed weeks only.

Which weeks: those that belong to the period by the ISO rule, the month of their Thursday
(`periods.weeks_belonging`), so each week counts in one month only.

Which of them count: only weeks that are over. An agent's week is decided at its end (an agent
on track on Friday has not missed anything), so the week under way is shown apart as "in
progress" with where its agents stand (met, on track, at risk: the tracker's statuses, the same
the SLA board shows), and weeks that have not begun are not counted at all. A week that is
over reads its permanent record once closed (without a team filter, its tenant row, which
holds the same counts as its agent rows), and its agents' rows until the close job has run.
The channel filter does not apply: the tenant's SLA policy says which channels count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from vendor_qa import periods
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.periods import ReportPeriod
from vendor_qa.reports.statistics import share
from vendor_qa.sla import tracker
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.tenants.models import Tenant


@dataclass(frozen=True)
class OpenWeek:
    """The week under way: not counted yet, shown with its agents' standing so far."""

    week: ReportPeriod
    met: int
    on_track: int
    at_risk: int
    agents: int

    @property
    def waiting(self) -> int:
        """Agents with fewer calls so far than the quota: not short yet, the week is not over."""
        return self.agents - self.met - self.on_track - self.at_risk


@dataclass(frozen=True)
class SlaFulfilment:
    met: int  # agent-weeks of the closed weeks with their required evaluations completed
    counted: int  # agent-weeks the SLA counts (not short of calls to evaluate)
    insufficient: int  # agent-weeks with fewer calls than the quota
    weeks: list[ReportPeriod]  # the closed weeks counted, oldest first
    open_week: OpenWeek | None = None  # the period's week under way, if any
    upcoming: int = 0  # the period's weeks that have not begun

    @property
    def share(self) -> Decimal | None:
        return share(self.met, self.counted)


def _team_only(rows: list[tracker.AgentRow], tenant: Tenant, team_id: int | None) -> list[tracker.AgentRow]:
    if team_id is None:
        return rows
    team = set(db.session.scalars(select(Agent.id).where(Agent.tenant_id == tenant.id, Agent.team_id == team_id)))
    return [row for row in rows if row.agent_id in team]


def _open_week(tenant: Tenant, week: ReportPeriod, team_id: int | None, as_of: datetime) -> OpenWeek:
    rows = _team_only(tracker.live_rows(tenant, week.key, as_of), tenant, team_id)
    counts = {status: sum(r.status == status for r in rows) for status in ("met", "on_track", "at_risk")}
    return OpenWeek(week, counts["met"], counts["on_track"], counts["at_risk"], len(rows))


def of_period(tenant: Tenant, period: ReportPeriod, team_id: int | None, as_of: datetime) -> SlaFulfilment:
    """The period's fulfilment as of `as_of` (see the module docstring)."""
    weeks = periods.weeks_belonging(period.first, period.last, tenant.zone)
    ended = [w for w in weeks if w.bounds.end <= as_of]
    current = next((w for w in weeks if w.bounds.start <= as_of < w.bounds.end), None)
    closed = [] if team_id is not None or not ended else db.session.execute(
        select(SlaWeekTenant.week, SlaWeekTenant.agents_in_scope, SlaWeekTenant.agents_met,
               SlaWeekTenant.agents_insufficient)
        .where(SlaWeekTenant.tenant_id == tenant.id, SlaWeekTenant.week.in_([w.key for w in ended]))).all()
    recorded = {week for week, *_ in closed}
    rows = _team_only([row for week in ended if week.key not in recorded
                       for row in tracker.week_rows(tenant, week.key, as_of)], tenant, team_id)
    totals = tracker.totals(rows)
    met = totals.met + sum(r.agents_met for r in closed)
    insufficient = totals.insufficient + sum(r.agents_insufficient for r in closed)
    agents = totals.agents + sum(r.agents_in_scope for r in closed)
    return SlaFulfilment(met, agents - insufficient, insufficient, ended,
                         open_week=None if current is None else _open_week(tenant, current, team_id, as_of),
                         upcoming=sum(w.bounds.start > as_of for w in weeks))
