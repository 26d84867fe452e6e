"""Report documents and their e-mail deliveries.

A report is built once and then never changes: its figures are kept as a JSON snapshot
(decimals as text, so they stay exact) with the charts' SVG, and its PDF and the two CSV
exports are stored beside it as bytes (the CSVs gzipped). Reading a report later reads
those, never the live evaluations, so a late evaluation or a changed setting cannot alter
what was sent. The blobs are deferred: listing reports never loads them.

Scheduled reports (built by the cron dispatcher or the CLI) are unique per tenant and
period, which makes their build job idempotent. "Build now" makes a new on-demand
report each time: a snapshot of that moment, never mistaken for the scheduled one.

Each recipient of a report has one ReportDelivery row (unique per report and address):
queued -> sending -> sent | failed. The row is claimed as `sending` in its own commit
BEFORE the message goes out, so no rerun, retry or second worker sends it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned, Timestamps
from vendor_qa.tenants.models import Tenant

KINDS = ("weekly", "monthly", "custom")
STATUSES = ("queued", "building", "ready", "failed")
DELIVERY_STATUSES = ("queued", "sending", "sent", "failed")
KIND_OF_PERIOD = {"week": "weekly", "month": "monthly", "range": "custom"}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Report(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind_known"),
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        Index("uq_report_scheduled_period", "tenant_id", "period", unique=True,
              sqlite_where=text("scheduled"), postgresql_where=text("scheduled")),
        Index("ix_report_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    period: Mapped[str] = mapped_column(String(24))  # '2026-W47', '2026-11' or '2026-11-03..2026-11-20'
    scheduled: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    built_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    evaluations_csv: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # gzip
    agents_csv: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # gzip

    tenant: Mapped[Tenant] = relationship()
    deliveries: Mapped[list["ReportDelivery"]] = relationship(
        back_populates="report", order_by="ReportDelivery.recipient", cascade="all, delete-orphan")

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def finished(self) -> bool:
        return self.status in ("ready", "failed")


class ReportDelivery(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        UniqueConstraint("report_id", "recipient"),
        CheckConstraint(_in("status", DELIVERY_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="deliveries")
