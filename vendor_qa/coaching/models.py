"""A coaching session recorded by a team lead or client manager."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa.auth.models import User
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned, Timestamps

NOTES_MAX = 4000


class CoachingSession(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        CheckConstraint("follow_up_on IS NULL OR follow_up_on >= held_on", name="follow_up_after_session"),
        # The quality file lists an agent's sessions newest first; the home page reads due follow-ups.
        Index("ix_coaching_session_tenant_agent_held", "tenant_id", "agent_id", "held_on"),
        Index("ix_coaching_session_tenant_follow_up", "tenant_id", "follow_up_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    # Who held it: a client user, named only to the client's own people (graders never see this).
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    held_on: Mapped[date]
    # Criterion keys (stable across scorecard versions) and the evaluations talked through.
    focus_criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    evaluation_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_shared: Mapped[bool] = mapped_column(default=False)  # shown on the agent's own page
    actions: Mapped[str] = mapped_column(Text, default="")
    follow_up_on: Mapped[date | None]
    followed_up_at: Mapped[datetime | None]

    agent: Mapped[Agent] = relationship()
    coach: Mapped[User | None] = relationship()

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_on is not None and self.followed_up_at is None
