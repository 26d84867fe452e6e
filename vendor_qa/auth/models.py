"""People who log in: vendor admins, graders, client managers."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa.extensions import db
from vendor_qa.models import Timestamps, utcnow
from vendor_qa.tenants.models import Tenant


class Role(str, enum.Enum):
    VENDOR_ADMIN = "vendor_admin"
    GRADER = "grader"
    CLIENT_MANAGER = "client_manager"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


def new_pseudonym() -> str:
    """What clients see instead of a grader's name, e.g. G-7F3A."""
    return f"G-{secrets.token_hex(2).upper()}"


class User(UserMixin, Timestamps, db.Model):
    __table_args__ = (
        CheckConstraint(
            "(role = 'client_manager') = (tenant_id IS NOT NULL)", name="client_manager_has_tenant"
        ),
        CheckConstraint("role <> 'grader' OR pseudonym IS NOT NULL", name="grader_has_pseudonym"),
        CheckConstraint("role IN ('vendor_admin', 'grader', 'client_manager')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str | None] = mapped_column(String(12), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]

    tenant: Mapped[Tenant | None] = relationship()
    certifications: Mapped[list["GraderCertification"]] = relationship(
        back_populates="grader", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r).value for r in roles}

    @property
    def certified_tenant_ids(self) -> list[int]:
        return [c.tenant_id for c in self.certifications if c.active]

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class GraderCertification(db.Model):
    """A grader may work on a tenant's calls only while certified for it.

    This is vendor-side data about the grader (not tenant-owned data): it is
    read by grader, across tenants.
    """

    grader_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id", ondelete="CASCADE"), primary_key=True, index=True)
    active: Mapped[bool] = mapped_column(default=True)
    certified_at: Mapped[datetime] = mapped_column(default=utcnow)

    grader: Mapped[User] = relationship(back_populates="certifications")
    tenant: Mapped[Tenant] = relationship()
