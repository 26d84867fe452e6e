"""Automatic tenant scoping of ORM queries, failing closed.

Every ORM statement that touches a TenantOwned model is filtered to the tenant
context of the current request or job. With no context it raises, unless the
caller opened a named, explicit opt-out (`all_tenants("why")`). Writes are
checked too: a flush may not create or change a row of a tenant outside the
context.

Core statements built from `Model.__table__` are not ORM statements and are
not scoped: set-based SQL written that way filters by tenant itself.

On PostgreSQL the database checks the same scope again (`rls.py`): each
Session transaction runs as a role without BYPASSRLS, with the scope's tenant
ids in a transaction-local setting that the row-level security policies of
every tenant-owned table read; a statement that forgets the scope sees nothing.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterable, Iterator

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import TableClause

from vendor_qa.models import TenantOwned


class TenantContextMissing(RuntimeError):
    """A tenant-owned model was queried or written outside any tenant context."""


@dataclass(frozen=True)
class Scope:
    tenant_ids: frozenset[int] | None  # None: every tenant, by a named opt-out
    reason: str
    # A team lead's request: narrowed to these teams' people too (vendor_qa.tenants.teams).
    team_ids: frozenset[int] | None = None

    def allows(self, tenant_id: int | None) -> bool:
        return self.tenant_ids is None or tenant_id in self.tenant_ids


_current: ContextVar[Scope | None] = ContextVar("tenant_scope", default=None)


def current_scope() -> Scope | None:
    return _current.get()


def current_tenant_id() -> int:
    """The one tenant of the context; raises where there is none or several."""
    scope = _current.get()
    if scope is None or scope.tenant_ids is None or len(scope.tenant_ids) != 1:
        raise TenantContextMissing("this needs exactly one tenant in context")
    return next(iter(scope.tenant_ids))


def enter(scope: Scope):
    """Open a scope and return the token that `leave` takes (for request hooks)."""
    return _current.set(scope)


def leave(token) -> None:
    _current.reset(token)


@contextmanager
def _scoped(scope: Scope) -> Iterator[Scope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def tenant_scope(tenant_id: int):
    """The context of one tenant: a client's request, or a job given its tenant_id."""
    return _scoped(Scope(frozenset([int(tenant_id)]), "tenant"))


def tenants_scope(tenant_ids: Iterable[int], reason: str):
    """Several tenants at once, e.g. a grader's queue across their certified tenants."""
    return _scoped(Scope(frozenset(int(t) for t in tenant_ids), reason))


def all_tenants(reason: str):
    """The named opt-out: vendor-wide views and lookups (SLA board, token lookup)."""
    if not reason:
        raise ValueError("an opt-out of tenant scoping must say why")
    return _scoped(Scope(None, reason))


@functools.cache
def _tenant_table_names() -> frozenset[str]:
    from vendor_qa.models import Base

    return frozenset(m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, TenantOwned))


def _touches_tenant_data(state: ORMExecuteState) -> bool:
    if any(issubclass(m.class_, TenantOwned) for m in state.all_mappers):
        return True
    # A count over a subquery (how pagination counts) names its tables only inside.
    names = _tenant_table_names()
    return any(isinstance(el, TableClause) and el.name in names for el in visitors.iterate(state.statement))


def _scope_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria of the parent query travel with its objects
    if not _touches_tenant_data(state):
        return
    scope = _current.get()
    if scope is None:
        raise TenantContextMissing(
            "query of a tenant-owned model without a tenant context; "
            "use tenant_scope(...) or the named opt-out all_tenants(reason)"
        )
    if scope.tenant_ids is None:
        return
    ids = tuple(sorted(scope.tenant_ids))
    if len(ids) == 1:
        only = ids[0]
        criteria = with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id == only, include_aliases=True)
    else:
        criteria = with_loader_criteria(TenantOwned, lambda cls: cls.tenant_id.in_(ids), include_aliases=True)
    state.statement = state.statement.options(criteria)
    if scope.team_ids:
        from vendor_qa.tenants import teams

        state.statement = state.statement.options(*teams.criteria(scope.team_ids))


def _check_writes(session: Session, flush_context, instances) -> None:
    scope = _current.get()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantOwned):
            continue
        if scope is None:
            raise TenantContextMissing(f"write of {type(obj).__name__} without a tenant context")
        if obj.tenant_id is None and scope.tenant_ids is not None and len(scope.tenant_ids) == 1:
            obj.tenant_id = next(iter(scope.tenant_ids))
        if not scope.allows(obj.tenant_id):
            raise TenantContextMissing(f"write of {type(obj).__name__} of tenant {obj.tenant_id} outside the context")


def install(session_class) -> None:
    """Attach the scoping to a Session class (idempotent)."""
    if not event.contains(session_class, "do_orm_execute", _scope_statement):
        event.listen(session_class, "do_orm_execute", _scope_statement)
        event.listen(session_class, "before_flush", _check_writes)
    # On PostgreSQL the database enforces the same scope (row-level security).
    from vendor_qa.tenants import rls

    rls.install(session_class)
