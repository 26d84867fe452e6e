"""The vendor's SLA board: one row per tenant for its current week.

Remaining demand is the evaluations the week still needs (open work, plus what
must still be planned to reach each agent's requirement); grader capacity is what
the tenant's certified graders can do in the days left (their full daily
capacity, which other tenants share). Both are shown in hours at the tenant's
measured average grading time (6 minutes until there is one).

Calibration (issue #7): whether the tenant's graders calibrated within its cadence
(calibration/service.py). It has its own cell and leaves the row's SLA colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from math import ceil

from sqlalchemy import func, select

from vendor_qa import periods
from vendor_qa.calibration.service import CadenceStatus, cadence_statuses
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.sla import tracker
from vendor_qa.sla.settings import grader_capacities, policy_for_week
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

DEFAULT_GRADING_SECONDS = 6 * 60
DAY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class BoardRow:
    tenant: Tenant
    week: str
    totals: tracker.Totals
    overdue_priority: int
    demand_hours: float
    capacity_hours: float
    compliance_target: float  # 0..1
    calibration: CadenceStatus
    calibration_up_to_date: bool  # no cadence set, or a session started within it

    @property
    def level(self) -> str:
        """ok / warn / bad: the colour of the row."""
        projected = self.totals.projected
        if self.overdue_priority or (projected is not None and projected < self.compliance_target):
            return "bad"
        if self.totals.at_risk or self.demand_hours > self.capacity_hours:
            return "warn"
        return "ok"


def average_grading_seconds(tenant_ids: Sequence[int]) -> dict[int, float]:
    table = Evaluation.__table__
    with all_tenants("sla board: grading times"):
        return {tenant_id: float(seconds) for tenant_id, seconds in db.session.execute(
            select(table.c.tenant_id, func.avg(table.c.grading_seconds))
            .where(table.c.tenant_id.in_(list(tenant_ids)), table.c.status == "submitted",
                   table.c.grading_seconds.is_not(None))
            .group_by(table.c.tenant_id))}


def _days_left(week: str, zone: str, now: datetime) -> int:
    _, end = periods.week_bounds(week, zone)
    return max(0, ceil((end - now).total_seconds() / DAY_SECONDS))


def board_rows(tenants: Sequence[Tenant], now: datetime) -> list[BoardRow]:
    ids = [t.id for t in tenants]
    seconds = average_grading_seconds(ids)
    weeks = {t.id: periods.week_of(now, t.timezone) for t in tenants}
    with all_tenants("sla board: overdue priority reviews"):
        overdue = tracker.overdue_priority_counts(weeks, now)
    with all_tenants("sla board: calibration cadence"):
        cadences = cadence_statuses(tenants)
    rows = []
    for tenant in tenants:  # one tenant's week at a time: each has its own zone and policy
        week = weeks[tenant.id]
        with tenant_scope(tenant.id):
            agents = tracker.live_rows(tenant, week, now)
            capacity = sum(grader_capacities(tenant.id).values())
            target = float(policy_for_week(tenant.id, week).compliance_target)
        hours = seconds.get(tenant.id, DEFAULT_GRADING_SECONDS) / 3600
        demand = sum(max(r.assigned, r.required) - r.completed for r in agents)
        rows.append(BoardRow(tenant, week, tracker.totals(agents), overdue.get(tenant.id, 0),
                             demand_hours=demand * hours,
                             capacity_hours=capacity * _days_left(week, tenant.timezone, now) * hours,
                             compliance_target=target, calibration=cadences[tenant.id],
                             calibration_up_to_date=cadences[tenant.id].up_to_date(now)))
    return rows
