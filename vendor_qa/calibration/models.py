"""Calibration sessions: several graders score the same call blind, then their scores are compared.

Each participant grades through the ordinary grading form, on an assignment of reason
'calibration' (which reports and the SLA leave out); the participant row ties that
assignment to the session.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa.auth.models import User
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.models import TenantOwned, Timestamps
from vendor_qa.scorecards.models import ScorecardVersion


class CalibrationSession(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        # The cadence job makes at most one session per tenant and day (NULL: made by hand).
        UniqueConstraint("tenant_id", "scheduled_for"),
        Index("ix_calibration_session_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_version.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # None: the cadence
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    deadline: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None]
    scheduled_for: Mapped[date | None] = mapped_column(Date)  # the cadence job's day (UTC)

    call: Mapped[Call] = relationship()
    scorecard_version: Mapped[ScorecardVersion] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    expert: Mapped[User | None] = relationship(foreign_keys=[expert_id])
    participants: Mapped[list["CalibrationParticipant"]] = relationship(
        back_populates="session", order_by="CalibrationParticipant.id", cascade="all, delete-orphan")


class CalibrationParticipant(TenantOwned, db.Model):
    __table_args__ = (UniqueConstraint("session_id", "grader_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_session.id", ondelete="CASCADE"))
    grader_id: Mapped[int] = mapped_column(ForeignKey("user.id"))  # graders are deactivated, not deleted
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)

    session: Mapped[CalibrationSession] = relationship(back_populates="participants")
    grader: Mapped[User] = relationship()
    assignment: Mapped[Assignment] = relationship()
