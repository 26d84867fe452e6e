"""Reads behind the assignment pages: a grader's queue, the pool size, the admin's list.

Paginated statements filter by tenant explicitly: Flask-SQLAlchemy counts a
page's total over a subquery, where the automatic scoping does not look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.claiming import POOL_SIZE
from vendor_qa.grading.models import ACTIVE_STATUSES, Assignment

URGENT_FIRST = (Assignment.priority.desc(), Assignment.due_at, Assignment.id)


def grader_queue(grader_id: int, tenant_ids: Sequence[int]) -> Select:
    """The grader's own open work in their certified tenants, most urgent first."""
    return (
        select(Assignment)
        .where(Assignment.tenant_id.in_(tenant_ids), Assignment.grader_id == grader_id,
               Assignment.status.in_(ACTIVE_STATUSES))
        .options(joinedload(Assignment.call).joinedload(Call.agent))
        .order_by(*URGENT_FIRST)
    )


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
