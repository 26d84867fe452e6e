"""What a client knows of a grader: a pseudonym of that client's own, e.g. G-7F3A.

Each (tenant, grader) pair has its own pseudonym, so two clients comparing notes cannot tell
that one person graded for both. A pair gets its pseudonym when the grader is certified for
the tenant (vendor_qa.auth.accounts); reads that meet a pair without one give it one then
(`for_tenant`), so no client page ever falls back to anything that links tenants.

The rows are tenant-owned: an ORM read is scoped to the tenant context like any client data.
`User.pseudonym` stays the grader's vendor-side handle (admin pages, the grader's own header);
no client-facing code reads it. Pairs that existed before this table keep that handle as
their pseudonym (migration 5ec0a1000006): their clients had seen it already.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import Connection, ForeignKey, PrimaryKeyConstraint, String, UniqueConstraint, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from vendor_qa.auth.models import User, new_pseudonym
from vendor_qa.extensions import db
from vendor_qa import clock
from vendor_qa.models import TenantOwned
from vendor_qa.tenants.scoping import all_tenants, tenant_scope


class GraderPseudonym(TenantOwned, db.Model):
    """The name one tenant's people see for one grader."""

    __table_args__ = (
        PrimaryKeyConstraint("tenant_id", "grader_id"),
        # Two graders of one tenant never share a name; across tenants the migration's kept
        # pseudonyms do repeat, so uniqueness of new ones is checked when they are drawn.
        UniqueConstraint("tenant_id", "pseudonym"),
    )

    grader_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


def _taken(conn: Connection, candidate: str) -> bool:
    """Drawn already anywhere: a fresh pseudonym must not even look like another tenant's grader."""
    table = GraderPseudonym.__table__
    return bool(conn.scalar(select(exists().where(table.c.pseudonym == candidate)))
                or conn.scalar(select(exists().where(User.__table__.c.pseudonym == candidate))))


def unused(conn: Connection) -> str:
    """A pseudonym nobody has, neither a pair nor a grader's vendor-side handle."""
    # Every tenant's pseudonyms, also where row-level security applies (vendor_qa.tenants.rls).
    with all_tenants("drawing a pseudonym no tenant has seen"):
        while _taken(conn, candidate := new_pseudonym()):
            pass
    return candidate


def _insert(conn: Connection):
    """INSERT that skips a row whose pair (or pseudonym in the tenant) exists: a concurrent request drew it."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(GraderPseudonym.__table__).on_conflict_do_nothing()


def _missing(conn: Connection, tenant_id: int, grader_ids: set[int]) -> set[int]:
    table = GraderPseudonym.__table__
    return grader_ids - set(conn.scalars(
        select(table.c.grader_id).where(table.c.tenant_id == tenant_id, table.c.grader_id.in_(grader_ids))))


def give(conn: Connection, tenant_id: int, grader_ids: Iterable[int]) -> None:
    """Draw a fresh pseudonym for each grader that has none for the tenant yet (Core: not scoped)."""
    ids = set(grader_ids)
    with tenant_scope(tenant_id):  # a certification is written by the vendor, outside any tenant's scope
        while ids and (ids := _missing(conn, tenant_id, ids)):
            for grader_id in ids:  # a lost race on the pseudonym leaves the pair missing: drawn again
                pseudonym = unused(conn)
                conn.execute(_insert(conn).values(tenant_id=tenant_id, grader_id=grader_id, pseudonym=pseudonym))


def give_in_session(tenant_id: int, grader_ids: Iterable[int]) -> None:
    """`give` inside the session's transaction: a certification and its pseudonym commit together."""
    give(db.session.connection(), tenant_id, grader_ids)


def ensure(tenant_id: int, grader_ids: Iterable[int]) -> None:
    """Give a pseudonym to each of these graders that has none for the tenant, before a read shows it.

    A pair without one (work given outside a certification) gets it in a short transaction of
    its own, committed at once: a read must show the same name every time, also when the
    request that first showed it writes nothing.
    """
    ids = set(grader_ids)
    if ids and _missing(db.session.connection(), tenant_id, ids):
        with Session(db.engine) as own, own.begin():  # a Session: the same tenant scoping and row-level security
            give(own.connection(), tenant_id, ids)


def for_tenant(tenant_id: int, grader_ids: Iterable[int]) -> dict[int, str]:
    """Grader id -> the tenant's pseudonym for them, in one read: all a client may know of a grader."""
    ids = set(grader_ids)
    if not ids:
        return {}
    ensure(tenant_id, ids)
    return dict(db.session.execute(
        select(GraderPseudonym.grader_id, GraderPseudonym.pseudonym)
        .where(GraderPseudonym.tenant_id == tenant_id, GraderPseudonym.grader_id.in_(ids))).tuples().all())
