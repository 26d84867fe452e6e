"""What the dashboard shows for a tenant, a period and filters, gathered in one plain object.

A report document can build the same object and render the same charts; the page adds only
the agents table (paginated, searched and sorted on its own: `aggregates.agents_page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vendor_qa.periods import ReportPeriod
from vendor_qa.reports import aggregates, charts
from vendor_qa.reports.aggregates import Filters
from vendor_qa.scorecards.rules import tenant_bands

if TYPE_CHECKING:  # the SLA engine sits above reports in the import order
    from vendor_qa.sla.fulfilment import SlaFulfilment


@dataclass(frozen=True)
class Dashboard:
    period: ReportPeriod
    filters: Filters
    overview: aggregates.Overview
    sla: SlaFulfilment
    bands: list[aggregates.BandCount]
    teams: list[aggregates.TeamRow]
    criteria: list[aggregates.CriterionProblem]
    topics: list[aggregates.TopicRow]

    @property
    def empty(self) -> bool:
        return self.overview.scores.evaluations == 0

    @property
    def systemic(self) -> list[aggregates.CriterionProblem]:
        return [c for c in self.criteria if c.systemic]

    @property
    def individual(self) -> list[aggregates.CriterionProblem]:
        return [c for c in self.criteria if c.individual]


def build(tenant, period: ReportPeriod, filters: Filters = Filters()) -> Dashboard:
    return Dashboard(
        period=period,
        filters=filters,
        overview=aggregates.overview(tenant, period, filters),
        sla=aggregates.sla_fulfilment(tenant, period, filters),
        bands=aggregates.band_distribution(tenant, period, filters),
        teams=aggregates.teams(tenant, period, filters),
        criteria=aggregates.criteria_problems(tenant, period, filters),
        topics=aggregates.topic_problems(tenant, period, filters),
    )


@dataclass(frozen=True)
class DashboardCharts:
    trend: str
    bands: str


def draw(tenant, dashboard: Dashboard) -> DashboardCharts:
    return DashboardCharts(
        trend=charts.score_trend(dashboard.overview.trend, tenant_bands(tenant), lambda p: p.period.key[5:],
                                 "Average score per ISO week", "ISO week"),
        bands=charts.band_distribution(dashboard.bands),
    )
