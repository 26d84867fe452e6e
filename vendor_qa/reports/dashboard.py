"""What the dashboard shows for a tenant, a period and filters, gathered in one plain object.

A report document can build the same object and render the same charts; the page adds only
the agents table (paginated, searched and sorted on its own: `aggregates.agents_page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

from vendor_qa.scorecards.scoring import Band

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


CHARTS_KEPT = 256  # drawings per process, the last ones asked for


def draw(tenant, dashboard: Dashboard) -> DashboardCharts:
    """The dashboard's charts, drawn once per process for the same figures.

    A chart is a pure function of a few frozen figures, and drawing it (pygal, then its style
    sheet written into each element for the PDF and e-mail) costs more than the figures' reads:
    the same figures, asked for by each poll and each visitor, get the drawing kept.
    """
    return DashboardCharts(trend=_trend(tuple(dashboard.overview.trend), tuple(tenant_bands(tenant))),
                           bands=_bands(tuple(dashboard.bands)))


@lru_cache(maxsize=CHARTS_KEPT)
def _trend(trend: Sequence[aggregates.TrendPoint], bands: Sequence[Band]) -> str:
    return charts.score_trend(trend, bands, lambda p: p.period.key[5:], "Average score per ISO week", "ISO week")


@lru_cache(maxsize=CHARTS_KEPT)
def _bands(counts: Sequence[aggregates.BandCount]) -> str:
    return charts.band_distribution(counts)
