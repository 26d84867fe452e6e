"""Reads behind the assignment pages: a grader's queue, the pool size, the admin's list.

Paginated statements filter by tenant explicitly: Flask-SQLAlchemy counts a
page's total over a subquery, where the automatic scoping does not look.

A grader's queue comes in two parts: the current work, and the leftovers of closed
SLA weeks (an assignment whose call's ISO week has ended in its tenant's zone). A
closed week's SLA record never changes (docs/sla.md), so a leftover no longer counts
towards that week's quota; it is shown apart, after the work that still does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import joinedload

from vendor_qa import periods
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.claiming import POOL_SIZE
from vendor_qa.grading.models import ACTIVE_STATUSES, Assignment
from vendor_qa.tenants.models import Tenant

URGENT_FIRST = (Assignment.priority.desc(), Assignment.due_at, Assignment.id)


def current_weeks(tenants: Sequence[Tenant], now: datetime) -> dict[int, str]:
    """Each tenant's current ISO week ('YYYY-Www', which sorts as it runs) in its own zone."""
    return {t.id: periods.current_week_key(t.zone, now) for t in tenants}


def closed_week(weeks: dict[int, str]):
    """The condition "the assignment's SLA week has ended", for tenants with these current weeks."""
    return or_(false(), *(and_(Assignment.tenant_id == tenant_id, Assignment.week < week)
                          for tenant_id, week in weeks.items()))


def grader_queue(grader_id: int, weeks: dict[int, str], leftovers: bool = False) -> Select:
    """The grader's own open work in the tenants of `weeks`, most urgent first.

    The current work, or with `leftovers` the work of closed SLA weeks.
    """
    closed = closed_week(weeks)
    return (
        select(Assignment)
        .where(Assignment.tenant_id.in_(list(weeks)), Assignment.grader_id == grader_id,
               Assignment.status.in_(ACTIVE_STATUSES), closed if leftovers else ~closed)
        .options(joinedload(Assignment.call).joinedload(Call.agent))
        .order_by(*URGENT_FIRST)
    )


def own_next(grader_id: int, weeks: dict[int, str], leftovers: bool = False) -> Assignment | None:
    """The head of the grader's own queue (its current part, or its leftovers)."""
    return db.session.scalar(grader_queue(grader_id, weeks, leftovers).limit(1))


def pool_size(grader_id: int, tenant_ids: Sequence[int]) -> int:
    """What "Get next" could give this grader now in these tenants (the claim's own conditions)."""
    if not tenant_ids:
        return 0
    return db.session.scalar(POOL_SIZE, {"tenant_ids": list(tenant_ids), "grader_id": grader_id})


@dataclass(frozen=True)
class AdminFilter:
    status: str | None = None
    reason: str | None = None
    grader_id: int | None = None
    agent_id: int | None = None

    @property
    def narrows(self) -> bool:
        return any(v is not None for v in (self.status, self.reason, self.grader_id, self.agent_id))


def admin_list(tenant_id: int, f: AdminFilter) -> Select:
    """The tenant's assignments for the vendor admin, most urgent first."""
    stmt = (
        select(Assignment).join(Assignment.call)
        .where(Assignment.tenant_id == tenant_id)
        .options(joinedload(Assignment.call).joinedload(Call.agent), joinedload(Assignment.grader))
    )
    if f.status:
        stmt = stmt.where(Assignment.status == f.status)
    if f.reason:
        stmt = stmt.where(Assignment.reason == f.reason)
    if f.grader_id is not None:
        stmt = stmt.where(Assignment.grader_id == f.grader_id)
    if f.agent_id is not None:
        stmt = stmt.where(Call.agent_id == f.agent_id)
    return stmt.order_by(*URGENT_FIRST)


@dataclass(frozen=True)
class Countdown:
    text: str
    overdue: bool


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} d"


def countdown(due_at: datetime, now: datetime) -> Countdown:
    """'due in 3 h' or 'overdue 2 h'."""
    left = (due_at - now).total_seconds()
    if left >= 0:
        return Countdown(f"due in {_span(left)}", False)
    return Countdown(f"overdue {_span(-left)}", True)
