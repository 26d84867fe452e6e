"""The client's people and their interactions: teams, agents, calls, CSV imports."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned, Timestamps

CHANNELS = ("phone", "chat", "email", "social")

_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I look-alikes


def new_agent_code() -> str:
    """A short code that stands for the agent where names are not allowed."""
    return "AG-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(5))


def sample_key_for(tenant_id: int, external_id: str) -> int:
    """A stable pseudo-random number per call: the SLA sampling takes the lowest keys first.

    Derived from the call's identity, so the same data always gives the same sample,
    and an index on (tenant, agent, key) serves "the first k calls" without sorting.
    """
    digest = hashlib.sha256(f"{tenant_id}:{external_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _default_sample_key(context) -> int:
    """Every insert of a call gets its key (ORM, Core, executemany), whoever writes it."""
    row = context.get_current_parameters()
    return sample_key_for(row["tenant_id"], row["external_id"])


class Team(TenantOwned, db.Model):
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))

    agents: Mapped[list["Agent"]] = relationship(back_populates="team")


class Agent(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        UniqueConstraint("tenant_id", "external_id"),
        UniqueConstraint("tenant_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120))
    display_name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(12), default=new_agent_code)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Where feedback and the personal link to the agent's own page are sent (optional:
    # without it, feedback reaches the agent through their team lead only).
    email: Mapped[str | None] = mapped_column(String(254))

    team: Mapped[Team | None] = relationship(back_populates="agents")


class Call(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        UniqueConstraint("tenant_id", "external_id"),
        CheckConstraint("duration_seconds >= 0", name="duration_not_negative"),
        CheckConstraint("customer_rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        CheckConstraint("channel IN ('phone', 'chat', 'email', 'social')", name="channel_known"),
        # The calls list, the week's sampling and the agent page read by these.
        Index("ix_call_tenant_started", "tenant_id", "started_at"),
        Index("ix_call_tenant_agent_started", "tenant_id", "agent_id", "started_at"),
        Index("ix_call_tenant_agent_sample_key", "tenant_id", "agent_id", "sample_key"),  # SLA sampling
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10), default="phone")
    started_at: Mapped[datetime]
    duration_seconds: Mapped[int]
    customer_rating: Mapped[int | None]
    topic: Mapped[str | None] = mapped_column(String(120))
    recording_url: Mapped[str | None] = mapped_column(String(1000))
    transcript: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    sample_key: Mapped[int] = mapped_column(BigInteger, default=_default_sample_key)

    agent: Mapped[Agent] = relationship()


class CallImport(TenantOwned, Timestamps, db.Model):
    """One uploaded CSV file and the progress of the job that imports it."""

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    # In the database so any worker machine can read it; emptied once imported (or refused).
    content: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in ("done", "failed") else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
