"""SLA data: each tenant's policy with its history, agent exclusions, grader capacity,
the permanent record of closed weeks, and alerts.

The pure rules these rows feed live beside them (policy.py, sampling.py,
distribution.py, status.py); the planner and the tracker are the set-based shell.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vendor_qa import clock
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.models import TenantOwned
from vendor_qa.sla.policy import Policy

DEFAULT_DAILY_CAPACITY = 60  # evaluations a grader does in a day (DOMAIN.md: 60-80)
# disputes_overdue: disputes open longer than the tenant allows (vendor_qa.disputes.jobs)
ALERT_KINDS = ("compliance_at_risk", "priority_overdue", "capacity_short", "disputes_overdue")
AGENT_STATUSES = ("met", "on_track", "at_risk", "missed", "insufficient_volume")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class SlaPolicy(TenantOwned, db.Model):
    """One version of a tenant's policy, in force from `effective_from_week` until the next row's week.

    Rows are never changed once their week has begun, so a past week keeps the
    policy it ran under; an edit writes (or rewrites) the row of a week to come.
    """

    __table_args__ = (
        UniqueConstraint("tenant_id", "effective_from_week"),
        CheckConstraint("0 <= minimum AND minimum <= target AND target <= maximum", name="quota_order"),
        CheckConstraint("short_share_percent BETWEEN 0 AND 100", name="short_share_percent"),
        CheckConstraint("compliance_target_percent BETWEEN 0 AND 100", name="compliance_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from_week: Mapped[str] = mapped_column(String(8))  # 'YYYY-Www'; compares in time order
    minimum: Mapped[int]
    target: Mapped[int]
    maximum: Mapped[int]
    low_rating_threshold: Mapped[int]
    priority_turnaround_hours: Mapped[int]
    sample_turnaround_hours: Mapped[int]
    short_call_seconds: Mapped[int]
    short_share_percent: Mapped[int]
    channels: Mapped[list[str]] = mapped_column(JSON)
    compliance_target_percent: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    def to_policy(self) -> Policy:
        return Policy(
            minimum=self.minimum, target=self.target, maximum=self.maximum,
            low_rating_threshold=self.low_rating_threshold,
            priority_turnaround_hours=self.priority_turnaround_hours,
            sample_turnaround_hours=self.sample_turnaround_hours,
            short_call_seconds=self.short_call_seconds,
            short_share=Fraction(self.short_share_percent, 100),
            channels=frozenset(self.channels),
            compliance_target=Fraction(self.compliance_target_percent, 100),
        )

    @staticmethod
    def columns_of(policy: Policy) -> dict:
        """The row's fields for a policy (percentages rounded to whole numbers)."""
        return dict(
            minimum=policy.minimum, target=policy.target, maximum=policy.maximum,
            low_rating_threshold=policy.low_rating_threshold,
            priority_turnaround_hours=policy.priority_turnaround_hours,
            sample_turnaround_hours=policy.sample_turnaround_hours,
            short_call_seconds=policy.short_call_seconds,
            short_share_percent=round(policy.short_share * 100),
            channels=sorted(policy.channels),
            compliance_target_percent=round(policy.compliance_target * 100),
        )


class AgentExclusion(TenantOwned, db.Model):
    """An agent out of the quota for a period (leave, new-hire grace): any week it overlaps."""

    __table_args__ = (
        CheckConstraint("from_date <= to_date", name="dates_in_order"),
        Index("ix_agent_exclusion_tenant_agent", "tenant_id", "agent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class GraderCapacity(db.Model):
    """How many evaluations a grader can do in a day (vendor-side data, across tenants)."""

    __table_args__ = (CheckConstraint("daily_capacity >= 0", name="capacity_not_negative"),)

    grader_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    daily_capacity: Mapped[int] = mapped_column(default=DEFAULT_DAILY_CAPACITY)


class SlaWeekAgent(TenantOwned, db.Model):
    """An agent's closed week, written once at week close and never changed."""

    __table_args__ = (
        UniqueConstraint("tenant_id", "week", "agent_id"),
        CheckConstraint(_in("status", AGENT_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), index=True)
    calls: Mapped[int]
    required: Mapped[int]
    assigned: Mapped[int]
    completed: Mapped[int]
    overdue: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    closed_at: Mapped[datetime] = mapped_column(default=clock.now)


class SlaWeekTenant(TenantOwned, db.Model):
    """A tenant's closed week: the contract figures, written once and never changed."""

    __table_args__ = (UniqueConstraint("tenant_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))
    agents_in_scope: Mapped[int]
    agents_met: Mapped[int]
    agents_insufficient: Mapped[int]
    compliance_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # None: no agent counted
    compliance_target_percent: Mapped[int]
    priority_reviews: Mapped[int]
    priority_on_time: Mapped[int]
    priority_met_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # None: no priority review
    closed_at: Mapped[datetime] = mapped_column(default=clock.now)


class SlaAlert(TenantOwned, db.Model):
    """A condition vendor admins must know about: one row (and one e-mail) per kind per day."""

    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "day"),
        CheckConstraint(_in("kind", ALERT_KINDS), name="kind_known"),
        Index("ix_sla_alert_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)  # the tenant's local day
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    emailed_at: Mapped[datetime | None]


# The SLA reads a tenant's assignments by week (planning, tracking, the board); the index
# belongs with the SLA's migration, declared here on the grading table.
Index("ix_assignment_tenant_week", Assignment.__table__.c.tenant_id, Assignment.__table__.c.week)
# Planning finds a week's low-rated calls without a priority review yet (the calls the ingest
# job did not see): by rating first, so the few low-rated calls are read, not the whole week.
Index("ix_call_tenant_rating_started", Call.__table__.c.tenant_id, Call.__table__.c.customer_rating,
      Call.__table__.c.started_at)
