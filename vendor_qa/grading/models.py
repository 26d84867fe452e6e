"""Grading data: assignments (a call in a grader's queue), their history, and evaluations.

The shape is a contract shared by the queue/claiming code (assignments.py, claiming.py)
and the grading form (evaluations.py); change it only together.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa import clock
from vendor_qa.auth.models import User
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned, Timestamps
from vendor_qa.scorecards.models import Criterion, ScorecardVersion

REASONS = ("low_rating", "sample", "manual", "calibration", "double")
# Reasons whose evaluations check the graders, not the client's agents: they never count toward
# an agent's score, a report or the SLA, and client pages never show them. A 'double' is a blind
# second grade of a sampled call (vendor_qa.calibration.doubles).
UNCOUNTED_REASONS = ("calibration", "double")
# A double grade is silent: the grader's pages show it as the sample it looks like.
SHOWN_TO_GRADER = {"double": "sample"}
STATUSES = ("open", "assigned", "in_progress", "submitted", "expired", "cancelled")
ACTIVE_STATUSES = ("assigned", "in_progress")  # in a grader's queue
FINAL_STATUSES = ("submitted", "expired", "cancelled")
DEFAULT_PRIORITY = {"low_rating": 100, "manual": 50, "sample": 10, "calibration": 50, "double": 10}
EVENT_ACTIONS = ("created", "assigned", "reassigned", "claimed", "released", "cancelled", "submitted", "expired")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Assignment(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        CheckConstraint(_in("reason", REASONS), name="reason_known"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        # A call is never assigned twice for the same reason and week; calibration
        # deliberately gives one call to many graders.
        Index(
            "uq_assignment_call_reason_week", "tenant_id", "call_id", "reason", "week", unique=True,
            sqlite_where=text("reason <> 'calibration'"),
            postgresql_where=text("reason <> 'calibration'"),
        ),
        Index("ix_assignment_pool", "tenant_id", "status", "priority", "due_at"),
        Index("ix_assignment_grader_status", "grader_id", "status"),
        # The reports' `counted` excludes the UNCOUNTED_REASONS assignments of a tenant: a short index read.
        Index("ix_assignment_tenant_reason", "tenant_id", "reason", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_version.id"), index=True)
    reason: Mapped[str] = mapped_column(String(12))
    priority: Mapped[int]
    week: Mapped[str] = mapped_column(String(8))  # ISO week 'YYYY-Www' of the call, in the tenant's zone
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="open")
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]  # first opened in the grading form
    submitted_at: Mapped[datetime | None]

    call: Mapped[Call] = relationship()
    scorecard_version: Mapped[ScorecardVersion] = relationship()
    grader: Mapped[User | None] = relationship()
    events: Mapped[list["AssignmentEvent"]] = relationship(
        back_populates="assignment", order_by="AssignmentEvent.id", cascade="all, delete-orphan"
    )
    evaluation: Mapped["Evaluation | None"] = relationship(back_populates="assignment", uselist=False)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def reason_for_grader(self) -> str:
        """The reason as the grader's own pages word it."""
        return SHOWN_TO_GRADER.get(self.reason, self.reason).replace("_", " ")


class AssignmentEvent(TenantOwned, db.Model):
    """One step in an assignment's life, with who did it and the reason they gave."""

    __table_args__ = (CheckConstraint(_in("action", EVENT_ACTIONS), name="action_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # None: the system
    action: Mapped[str] = mapped_column(String(12))
    from_grader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    to_grader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)

    assignment: Mapped[Assignment] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    from_grader: Mapped[User | None] = relationship(foreign_keys=[from_grader_id])
    to_grader: Mapped[User | None] = relationship(foreign_keys=[to_grader_id])


class Evaluation(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
        Index("ix_evaluation_tenant_agent_submitted", "tenant_id", "agent_id", "submitted_at"),
        Index("ix_evaluation_tenant_submitted", "tenant_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))  # denormalised for reports
    scorecard_version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_version.id"), index=True)
    grader_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)  # graders are deactivated, not deleted
    status: Mapped[str] = mapped_column(String(10), default="draft")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {criterion_key: answer}
    comments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {criterion_key: text}
    # {criterion_key: [{"line": index, "text": masked line} | {"at": seconds}]}: vendor_qa.grading.evidence
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    feedback_good: Mapped[str] = mapped_column(Text, default="")
    feedback_improve: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    passed: Mapped[bool | None]
    band: Mapped[str | None] = mapped_column(String(60))
    auto_failed: Mapped[bool] = mapped_column(default=False)
    section_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {section_id: "decimal" | None}
    opened_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    grading_seconds: Mapped[int | None]
    # 1 at submission; a correction after a dispute keeps the replaced state (disputes.EvaluationRevision)
    # and counts up, so this row always holds the current revision.
    revision: Mapped[int] = mapped_column(default=1, server_default=text("1"))

    assignment: Mapped[Assignment] = relationship(back_populates="evaluation")
    call: Mapped[Call] = relationship()
    scorecard_version: Mapped[ScorecardVersion] = relationship()
    grader: Mapped[User] = relationship()
    criteria: Mapped[list["EvaluationCriterion"]] = relationship(
        back_populates="evaluation", order_by="EvaluationCriterion.id", cascade="all, delete-orphan"
    )


class EvaluationCriterion(TenantOwned, db.Model):
    """One criterion of a submitted evaluation, for set-based reporting."""

    __table_args__ = (UniqueConstraint("evaluation_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    criterion_key: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str] = mapped_column(String(10))  # yes/no/full/partial/none/na or the scale value
    applicable: Mapped[bool]
    earned: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    possible: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    missed_critical: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str | None] = mapped_column(Text)

    evaluation: Mapped[Evaluation] = relationship(back_populates="criteria")
    criterion: Mapped[Criterion] = relationship()
