"""Row-level security on PostgreSQL: the database enforces the tenant scope too.

Defence in depth under the app-level scoping of `scoping.py`. Migration
5ec0a1000007 gives every tenant-owned table (the TenantOwned mixin) a policy

    tenant_id = ANY (vendor_qa.tenant_ids)  OR  vendor_qa.all_tenants = 'on'

(two transaction-local settings), with FORCE ROW LEVEL SECURITY, and creates
the role `vendor_qa_app` (NOLOGIN, NOSUPERUSER, NOBYPASSRLS) with rights on
the tables. Here, with DATABASE_RLS on, every transaction of an ORM Session on
PostgreSQL

- switches to that role for the transaction (`SET LOCAL ROLE`, setting
  DATABASE_APP_ROLE; empty where the app already logs in as a NOBYPASSRLS role),
- and, before each statement, brings the two settings in line with the tenant
  scope open at that moment (one extra round trip only when the scope changed
  since the transaction's last statement, e.g. a scope opened mid-transaction).
  As in the app-level scoping, the refresh of an object the session already
  holds and the lazy load of its relationships are not filtered (they follow
  primary and foreign keys of rows that a scope let the session load).

So a query that forgets the scope — raw SQL, a Core statement on
`session.connection()` — sees no tenant-owned row, and a write of another
tenant's row is refused by the database. Connections used outside a Session
(migrations, `db.engine.connect()` maintenance) keep the connecting user.
SQLite keeps the app-level scoping only.

DATABASE_RLS is on by default. Off, the transaction's settings open every row
(`all_tenants` = on) and no role is switched, so the policies change nothing, whatever
the login role; the app-level scoping alone applies.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.pool import Pool

APP_ROLE = "vendor_qa_app"
POLICY = "tenant_isolation"
TENANT_IDS = "vendor_qa.tenant_ids"
ALL_TENANTS = "vendor_qa.all_tenants"
# The policy's condition, as the migration writes it (kept here for the tests and new tables).
CONDITION = (
    "tenant_id = ANY (string_to_array(nullif(current_setting('vendor_qa.tenant_ids', true), ''), ',')::integer[]) "
    "OR coalesce(current_setting('vendor_qa.all_tenants', true), '') = 'on'"
)

# Key in Connection.info while a Session transaction holds the connection: the (role, ids,
# all) last applied in this transaction, or None when nothing is applied yet.
_KEY = "vendor_qa_rls"


# True while the ORM refreshes an object it holds or lazy-loads its relationship.
_held_objects: ContextVar[bool] = ContextVar("rls_held_objects", default=False)


def _desired(role: str, enforce: bool) -> tuple[str, str, str]:
    from vendor_qa.tenants.scoping import current_scope

    if not enforce or _held_objects.get():
        return role, "", "on"
    scope = current_scope()
    if scope is None:
        return role, "", "off"
    if scope.tenant_ids is None:
        return role, "", "on"
    return role, ",".join(str(t) for t in sorted(scope.tenant_ids)), "off"


def _settings() -> tuple[str, bool]:
    """(role to switch to, enforce?) from DATABASE_APP_ROLE and DATABASE_RLS."""
    try:
        from flask import current_app

        config = current_app.config
    except RuntimeError:  # no app context
        config = {}
    if not config.get("DATABASE_RLS", False):
        return "", False
    return config.get("DATABASE_APP_ROLE", APP_ROLE) or "", True


def _after_begin(session, transaction, connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    role, enforce = _settings()
    connection.info[_KEY] = {"role": role, "enforce": enforce, "applied": None}


def _before_cursor_execute(conn: Connection, cursor, statement, parameters, context, executemany) -> None:
    state = conn.info.get(_KEY)
    if state is None:
        return
    want = _desired(state["role"], state["enforce"])
    applied = state["applied"]
    if applied == want:
        return
    role, ids, all_flag = want
    sql = "SELECT set_config(%s, %s, true), set_config(%s, %s, true)"
    params: list[Any] = [TENANT_IDS, ids, ALL_TENANTS, all_flag]
    if role and (applied is None or applied[0] != role):
        sql += ", set_config('role', %s, true)"
        params.append(role)
    with conn.connection.dbapi_connection.cursor() as own:
        own.execute(sql, params)
    state["applied"] = want


def _load_of_held_objects(state: ORMExecuteState):
    """Refreshes and lazy loads follow objects already loaded in a scope: the same rule as
    the app-level scoping (`scoping._scope_statement`), which lets their criteria travel with
    the objects. They select by primary key, or by the foreign key of a held object, so they
    cannot reach a row that no scope let the session load."""
    if not (state.is_column_load or state.is_relationship_load):
        return None
    token = _held_objects.set(True)
    try:
        return state.invoke_statement()
    finally:
        _held_objects.reset(token)


def _forget(conn: Connection, *args) -> None:
    conn.info.pop(_KEY, None)


def _unknown(conn: Connection, *args) -> None:
    # A rolled-back savepoint undoes the set_config calls made inside it (the role's too).
    state = conn.info.get(_KEY)
    if state is not None:
        state["applied"] = None


def _checkin(dbapi_connection, record) -> None:
    if record is not None:
        record.info.pop(_KEY, None)


def install(session_class) -> None:
    """Attach the settings to Session transactions on PostgreSQL (idempotent)."""
    if event.contains(session_class, "after_begin", _after_begin):
        return
    event.listen(session_class, "after_begin", _after_begin)
    event.listen(session_class, "do_orm_execute", _load_of_held_objects)
    event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(Engine, "commit", _forget)
    event.listen(Engine, "rollback", _forget)
    event.listen(Engine, "rollback_savepoint", _unknown)
    event.listen(Pool, "checkin", _checkin)


# --- for migrations and tests -------------------------------------------------------------

def tenant_owned_tables() -> list[str]:
    """The tables of every TenantOwned model, from the models' metadata."""
    import vendor_qa.schema  # noqa: F401  (every model known)
    from vendor_qa.models import Base, TenantOwned

    return sorted({m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, TenantOwned)})


def enable_statements(table: str) -> list[str]:
    """The SQL that puts one tenant-owned table under row-level security."""
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" FOR ALL USING ({CONDITION}) WITH CHECK ({CONDITION})',
    ]


def disable_statements(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]
