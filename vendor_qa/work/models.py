"""The outbox: RQ jobs to enqueue, written in the same transaction as the work they do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vendor_qa import clock
from vendor_qa.extensions import db


class OutboxEntry(db.Model):
    """One job to hand to RQ. Not tenant-owned: the relay serves every tenant at once, and the
    job's own arguments carry its tenant_id (jobs set their tenant context from it)."""

    __tablename__ = "outbox_entry"
    __table_args__ = (Index("ix_outbox_entry_pending", "relayed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    func: Mapped[str] = mapped_column(String(200))  # dotted path of the job function
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    job_id: Mapped[str | None] = mapped_column(String(200))  # the unit of work's stable id; None: one of its own
    timeout: Mapped[int]
    retries: Mapped[int] = mapped_column(default=0)
    retry_intervals: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    relayed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    @property
    def rq_job_id(self) -> str:
        return self.job_id or f"outbox-{self.id}"
