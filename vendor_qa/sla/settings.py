"""What the SLA runs under for a tenant and week: its policy (with history), the agents in
scope, the scorecard each channel is graded on, and the graders' capacity.

Policy history: the policy of a week is the latest SlaPolicy row whose
`effective_from_week` is that week or earlier (the defaults of `Policy()` before
any row). An edit takes effect from the next ISO week, so the week under way,
already partly planned, and every past week keep the policy they ran under.
Editing again before that week starts rewrites the same pending row.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, func, select

from vendor_qa import periods
from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.scorecards.versions import current_version_ids
from vendor_qa.sla.models import DEFAULT_DAILY_CAPACITY, AgentExclusion, GraderCapacity, SlaPolicy
from vendor_qa.sla.policy import Policy
from vendor_qa.tenants.models import Tenant


def policy_row_for_week(tenant_id: int, week: str) -> SlaPolicy | None:
    return db.session.scalar(
        select(SlaPolicy).where(SlaPolicy.tenant_id == tenant_id, SlaPolicy.effective_from_week <= week)
        .order_by(SlaPolicy.effective_from_week.desc()).limit(1))


def policy_for_week(tenant_id: int, week: str) -> Policy:
    row = policy_row_for_week(tenant_id, week)
    return row.to_policy() if row is not None else Policy()


def policy_history(tenant_id: int) -> Select:
    return select(SlaPolicy).where(SlaPolicy.tenant_id == tenant_id).order_by(SlaPolicy.effective_from_week.desc())


def first_editable_week(tenant: Tenant, now: datetime) -> str:
    """Edits apply from the next ISO week of the tenant (see the module docstring)."""
    return periods.next_week(periods.week_of(now, tenant.timezone))


def save_policy(tenant_id: int, policy: Policy, effective_from_week: str, by_id: int | None) -> SlaPolicy:
    """Store `policy` from that week on (the caller commits); a pending row of that week is rewritten."""
    problems = policy.validate()
    if problems:
        raise ValueError(" ".join(problems))
    row = db.session.scalar(select(SlaPolicy).where(SlaPolicy.tenant_id == tenant_id,
                                                    SlaPolicy.effective_from_week == effective_from_week))
    if row is None:
        row = SlaPolicy(tenant_id=tenant_id, effective_from_week=effective_from_week)
        db.session.add(row)
    for name, value in SlaPolicy.columns_of(policy).items():
        setattr(row, name, value)
    row.created_by_id = by_id
    db.session.flush()
    return row


def week_dates(week: str) -> tuple[date, date]:
    """The Monday and the Sunday of the week (local dates, the same in every zone)."""
    year, number = periods.parse_week(week)
    monday = date.fromisocalendar(year, number, 1)
    return monday, monday + timedelta(days=6)


def agents_in_scope(tenant: Tenant, week: str) -> Select:
    """Ids of the tenant's active agents not excluded for any day of the week."""
    first, last = week_dates(week)
    excluded = (select(AgentExclusion.agent_id)
                .where(AgentExclusion.tenant_id == tenant.id,
                       AgentExclusion.from_date <= last, AgentExclusion.to_date >= first))
    table = Agent.__table__
    return select(table.c.id).where(table.c.tenant_id == tenant.id, table.c.active.is_(True),
                                    table.c.id.not_in(excluded.scalar_subquery()))


def versions_by_channel(tenant: Tenant, channels: frozenset[str]) -> dict[str, int]:
    """The scorecard version new work on each channel uses (run in the tenant's context)."""
    return current_version_ids(tenant, channels)


def grader_capacities(tenant_id: int) -> dict[int, int]:
    """Daily capacity of each active grader certified for the tenant (past its certification gate)."""
    rows = db.session.execute(
        select(User.id, func.coalesce(GraderCapacity.daily_capacity, DEFAULT_DAILY_CAPACITY))
        .join(GraderCertification, and_(GraderCertification.grader_id == User.id,
                                        GraderCertification.tenant_id == tenant_id,
                                        GraderCertification.working))
        .outerjoin(GraderCapacity, GraderCapacity.grader_id == User.id)
        .where(User.role == Role.GRADER.value, User.active.is_(True))
        .order_by(User.id))
    return dict(rows.all())
