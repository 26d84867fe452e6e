"""A training with its target, its trained agents, and each agent's customer status with its history.

A training names what was trained (criterion keys across scorecard versions, and/or a topic),
who was trained (the agents, whichever way they were chosen: a team, a band, a list), the day
it was given, the follow-up window and the expected improvement (the drop of the loss rate on
the trained criteria, in percentage points): the verdict (verdict.py) is tested against it.

An agent's status ("off customers until re-certified", back on customers) is a history of rows,
never updated: the current status is the newest row.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa import clock
from vendor_qa.auth.models import User
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned, Timestamps

SOURCES = ("finding", "manual", "recertification")
STATUSES = ("off_customers", "on_customers")
DEFAULT_WEEKS = 4
DEFAULT_IMPROVEMENT = 15  # percentage points of loss rate


def follow_up_end(given_on: date, weeks: int) -> date:
    """The first day after the follow-up window: it starts the day after the training (the
    training day itself is neither before nor after) and lasts `weeks` weeks."""
    return given_on + timedelta(days=1, weeks=weeks)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Training(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        CheckConstraint(_in("source", SOURCES), name="source_known"),
        CheckConstraint("follow_up_weeks BETWEEN 1 AND 26", name="window_sane"),
        CheckConstraint("expected_improvement BETWEEN 1 AND 100", name="improvement_sane"),
        Index("ix_training_tenant_given", "tenant_id", "given_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    criterion_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    topic: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str | None] = mapped_column(String(10))  # where the trained behaviour is seen, if known
    given_on: Mapped[date]
    follow_up_weeks: Mapped[int] = mapped_column(default=DEFAULT_WEEKS)
    expected_improvement: Mapped[int] = mapped_column(default=DEFAULT_IMPROVEMENT)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    finding_period: Mapped[str | None] = mapped_column(String(24))  # the report period the finding came from
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
    trainees: Mapped[list["Trainee"]] = relationship(back_populates="training", cascade="all, delete-orphan",
                                                     order_by="Trainee.id")

    @property
    def window(self) -> timedelta:
        return timedelta(weeks=self.follow_up_weeks)

    @property
    def follow_up_starts(self) -> date:
        return self.given_on + timedelta(days=1)

    @property
    def follow_up_ends(self) -> date:
        return follow_up_end(self.given_on, self.follow_up_weeks)

    @property
    def follow_up_last(self) -> date:
        return self.follow_up_ends - timedelta(days=1)

    @property
    def before_starts(self) -> date:
        """The before window: as long as the follow-up, ending the day before the training."""
        return self.given_on - self.window

    def is_open(self, today: date) -> bool:
        return today < self.follow_up_ends


class Trainee(TenantOwned, db.Model):
    """One trained agent of a training."""

    __table_args__ = (UniqueConstraint("training_id", "agent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), index=True)

    training: Mapped[Training] = relationship(back_populates="trainees")
    agent: Mapped[Agent] = relationship()


class AgentStatus(TenantOwned, db.Model):
    """A change of an agent's customer status; the newest row of an agent is its status now."""

    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        Index("ix_agent_status_agent_at", "agent_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=clock.now)
    reason: Mapped[str] = mapped_column(Text, default="")
    band: Mapped[str | None] = mapped_column(String(60))  # the agent's band when the status was set
    training_id: Mapped[int | None] = mapped_column(ForeignKey("training.id", ondelete="SET NULL"))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    agent: Mapped[Agent] = relationship()
    set_by: Mapped[User | None] = relationship()
    training: Mapped[Training | None] = relationship()
