"""Disputes: a client manager's challenge of a submitted evaluation, criterion by criterion,
and the evaluation's superseded revisions.

The Evaluation row always holds the current revision, so every figure (dashboard, reports,
API, SLA) reads the corrected score without knowing about disputes. A correction first
copies the state it replaces into an EvaluationRevision, which is never changed again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa.auth.models import User
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.models import TenantOwned, Timestamps

STATUSES = ("open", "accepted", "partly_accepted", "rejected")
DECISIONS = ("accepted", "rejected")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Dispute(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        # One open dispute per evaluation at a time: a second one waits for the first's decision.
        Index("uq_dispute_open_evaluation", "evaluation_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_dispute_tenant_status_created", "tenant_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int]  # the evaluation's revision that was disputed
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)  # the reviewer's written answer, required with a decision

    evaluation: Mapped[Evaluation] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    items: Mapped[list["DisputeItem"]] = relationship(
        back_populates="dispute", order_by="DisputeItem.id", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class DisputeItem(TenantOwned, db.Model):
    """One disputed criterion: why, what the client believes is right, and what was decided."""

    __table_args__ = (
        UniqueConstraint("dispute_id", "criterion_key"),
        CheckConstraint(f"decision IS NULL OR {_in('decision', DECISIONS)}", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("dispute.id", ondelete="CASCADE"))
    criterion_key: Mapped[str] = mapped_column(String(32))
    disputed_answer: Mapped[str] = mapped_column(String(10))  # the answer when the dispute was raised
    reason: Mapped[str] = mapped_column(Text)
    proposed_answer: Mapped[str | None] = mapped_column(String(10))
    decision: Mapped[str | None] = mapped_column(String(10))  # None while open
    applied_answer: Mapped[str | None] = mapped_column(String(10))  # set when accepted

    dispute: Mapped[Dispute] = relationship(back_populates="items")


class EvaluationRevision(TenantOwned, db.Model):
    """An evaluation's state as it was before a correction replaced it (a superseded revision)."""

    __table_args__ = (UniqueConstraint("evaluation_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"))
    revision: Mapped[int]
    dispute_id: Mapped[int] = mapped_column(ForeignKey("dispute.id", ondelete="CASCADE"))  # what superseded it
    superseded_at: Mapped[datetime]
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    comments: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Numeric(7, 4))
    passed: Mapped[bool | None]
    band: Mapped[str | None] = mapped_column(String(60))
    auto_failed: Mapped[bool]
    section_scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The criterion rows as they were: [{criterion_id, criterion_key, answer, applicable, earned, possible,
    # missed_critical}], numbers as decimal text.
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
