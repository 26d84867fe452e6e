"""Scorecards: a tenant's checklists, their versions, and the sections and criteria of each version.

A version is a draft while the vendor builds it, `published` while it is the one
new work uses, and `retired` once a newer version is published. Published and
retired versions never change (vendor_qa.scorecards.versions enforces it), so
every evaluation can keep pointing at the exact version it was scored with.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa.auth.models import User
from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned, Timestamps

KINDS = ("binary", "graded", "scale")
CRITICAL_SCOPES = ("call", "section")
STATUSES = ("draft", "published", "retired")
DEFAULT_PARTIAL_FRACTION = Decimal("0.5")


def new_key() -> str:
    return uuid.uuid4().hex


class Scorecard(TenantOwned, Timestamps, db.Model):
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)  # of calls.models.CHANNELS, at least one
    archived_at: Mapped[datetime | None]  # archived scorecards are hidden from new work

    versions: Mapped[list["ScorecardVersion"]] = relationship(
        back_populates="scorecard", order_by="ScorecardVersion.number", cascade="all, delete-orphan"
    )

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class ScorecardVersion(TenantOwned, Timestamps, db.Model):
    __table_args__ = (
        UniqueConstraint("scorecard_id", "number"),
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status_known"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name="published_has_date"),
        # At most one draft and at most one published (current) version per scorecard.
        Index(
            "uq_scorecard_version_one_open", "scorecard_id", "status", unique=True,
            sqlite_where=text("status IN ('draft', 'published')"),
            postgresql_where=text("status IN ('draft', 'published')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="draft")
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")  # what changed, written when publishing

    scorecard: Mapped[Scorecard] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()
    sections: Mapped[list["Section"]] = relationship(
        back_populates="version", order_by="Section.position", cascade="all, delete-orphan"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def criteria(self) -> list["Criterion"]:
        return [c for s in self.sections for c in s.criteria]

    @property
    def label(self) -> str:
        return f"{self.scorecard.name} v{self.number}"


class Section(TenantOwned, db.Model):
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("scorecard_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # order within the version; gaps allowed
    title: Mapped[str] = mapped_column(String(200))

    version: Mapped[ScorecardVersion] = relationship(back_populates="sections")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="section", order_by="Criterion.position", cascade="all, delete-orphan"
    )


class Criterion(TenantOwned, db.Model):
    __table_args__ = (
        UniqueConstraint("section_id", "position"),
        CheckConstraint("kind IN ('binary', 'graded', 'scale')", name="kind_known"),
        CheckConstraint("critical IS NULL OR critical IN ('call', 'section')", name="critical_known"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("partial_fraction > 0 AND partial_fraction < 1", name="partial_fraction_between"),
        CheckConstraint("kind <> 'scale' OR scale_max >= 1", name="scale_has_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    # The same criterion across versions: copied into each new draft, so a renamed text still matches.
    key: Mapped[str] = mapped_column(String(32), default=new_key)
    text: Mapped[str] = mapped_column(String(500))
    guidance_full: Mapped[str] = mapped_column(Text, default="")
    guidance_partial: Mapped[str] = mapped_column(Text, default="")
    guidance_zero: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(10), default="binary")
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    partial_fraction: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=DEFAULT_PARTIAL_FRACTION)
    scale_max: Mapped[int | None]
    allow_na: Mapped[bool] = mapped_column(default=False)
    critical: Mapped[str | None] = mapped_column(String(10))
    ability: Mapped[str | None] = mapped_column(String(60))

    section: Mapped[Section] = relationship(back_populates="criteria")

    def answers(self) -> list[tuple[str, str]]:
        """The answers a grader may give, as (value, label), N/A last where allowed."""
        if self.kind == "binary":
            options = [("yes", "Yes"), ("no", "No")]
        elif self.kind == "graded":
            options = [("full", "Full"), ("partial", "Partial"), ("none", "None")]
        else:
            options = [(str(v), str(v)) for v in range(self.scale_max or 0, -1, -1)]
        return options + ([("na", "N/A")] if self.allow_na else [])
