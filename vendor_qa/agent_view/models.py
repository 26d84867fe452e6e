"""The agent's personal links, their e-mails, the agent's acknowledgments and dispute requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa import clock
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.models import TenantOwned, Timestamps

DELIVERY_STATUSES = ("queued", "sending", "sent", "failed")
REQUEST_STATUSES = ("pending", "declined")  # "disputed" is read from the disputes raised since (feedback.py)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class AgentLink(TenantOwned, db.Model):
    """One personal link of one agent. Only the token's hash is stored; the token itself is the
    HMAC of the row's id under the app's secret key (links.py), so the mail job can write it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # set right after the id is known
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    agent: Mapped[Agent] = relationship()

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class AgentLinkDelivery(TenantOwned, Timestamps, db.Model):
    """The e-mail of one link to one address: claimed before sending, so it goes out once."""

    __table_args__ = (
        UniqueConstraint("link_id", "recipient"),
        CheckConstraint(_in("status", DELIVERY_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("agent_link.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]


class Acknowledgment(TenantOwned, db.Model):
    """The agent read an evaluation's feedback; one per evaluation (a second one changes nothing)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class DisputeRequest(TenantOwned, db.Model):
    """The agent asks their team lead to dispute an evaluation; one per evaluation. The lead raises
    a dispute with the disputes service, or declines with an answer the agent reads."""

    __table_args__ = (CheckConstraint(_in("status", REQUEST_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluation.id", ondelete="CASCADE"), unique=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)

    agent: Mapped[Agent] = relationship()
    evaluation: Mapped[Evaluation] = relationship()
