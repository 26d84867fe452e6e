"""AuditEvent: one recorded trust action, and `record`, the one way to write it.

Rows are only ever added: the trail is what a vendor admin shows a client who asks how
a figure came to be. `before`/`after` hold plain JSON snapshots of what changed (ids,
statuses, answers), never ORM objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa import clock
from vendor_qa.auth.models import User
from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned


class AuditEvent(TenantOwned, db.Model):
    __table_args__ = (
        Index("ix_audit_event_tenant_at", "tenant_id", "at"),
        Index("ix_audit_event_subject", "tenant_id", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))  # None: the system
    action: Mapped[str] = mapped_column(String(60))  # e.g. "calibration.session_created"
    subject_type: Mapped[str] = mapped_column(String(40))  # e.g. "calibration_session"
    subject_id: Mapped[int]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


def record(tenant_id: int, action: str, subject_type: str, subject_id: int, actor: User | None = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditEvent:
    """Add an audit event to the session; it is committed with the change it describes."""
    event = AuditEvent(tenant_id=tenant_id, at=at or clock.now(), actor_id=actor.id if actor else None,
                       action=action, subject_type=subject_type, subject_id=subject_id,
                       before=before, after=after)
    db.session.add(event)
    return event
