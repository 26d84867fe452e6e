"""People who log in: vendor admins, graders, client managers."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, and_, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.models import Timestamps
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


# A client manager listed here with one or more teams is a team lead: they see and act on
# those teams' agents only (vendor_qa.tenants.teams); with no row they see the whole tenant.
# Not tenant-owned (like GraderCertification): it is read before the tenant scope opens.
user_team = Table(
    "user_team",
    db.Model.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True, index=True),
)


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
    # Sessions carry the epoch they were opened in (get_id); raising it ends them all at once,
    # wherever the cookie was copied to (vendor_qa.auth.sessions).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # The TOTP second factor (vendor_qa.auth.second_factor): the base32 secret once confirmed,
    # and the last time step a code was accepted for, so that no code works twice.
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    totp_last_step: Mapped[int | None]

    tenant: Mapped[Tenant | None] = relationship()
    certifications: Mapped[list["GraderCertification"]] = relationship(
        back_populates="grader", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses inactive users; a deactivated tenant's people are inactive too."""
        return self.active and (self.tenant is None or self.tenant.active)

    def get_id(self) -> str:
        # What the session and remember cookies hold: the id and the epoch they were opened in.
        return f"{self.id}:{self.session_epoch}"

    @property
    def lead_team_ids(self) -> frozenset[int]:
        """The teams a client manager is limited to; empty: not limited (the whole tenant)."""
        if self.role != Role.CLIENT_MANAGER.value:
            return frozenset()
        return frozenset(db.session.scalars(select(user_team.c.team_id).where(user_team.c.user_id == self.id)))

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r).value for r in roles}

    @property
    def certified_tenant_ids(self) -> list[int]:
        """Tenants whose work the grader may hold and open: pending certifications too (their calibration)."""
        return [c.tenant_id for c in self.certifications if c.active]

    @property
    def working_tenant_ids(self) -> list[int]:
        """Tenants the grader is given work from: certifications past the tenant's certification gate."""
        return [c.tenant_id for c in self.certifications if c.working]

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
    certified_at: Mapped[datetime] = mapped_column(default=clock.now)
    # None: pending. Where the tenant has a certification gate, a new certification waits until the
    # grader's alignment with the experts of its calibration sessions reaches the tenant's mark
    # (vendor_qa.calibration.certification); until then the grader does calibration work only.
    activated_at: Mapped[datetime | None]

    grader: Mapped[User] = relationship(back_populates="certifications")
    tenant: Mapped[Tenant] = relationship()

    @hybrid_property
    def working(self) -> bool:
        """Active and past the gate: the grader gets this tenant's work."""
        return self.active and self.activated_at is not None

    @working.inplace.expression
    @classmethod
    def _working_expression(cls):
        return and_(cls.active.is_(True), cls.activated_at.is_not(None))

    @property
    def pending(self) -> bool:
        return self.active and self.activated_at is None
