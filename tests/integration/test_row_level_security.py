"""Defence in depth on PostgreSQL: the database itself keeps tenants apart (row-level security).

A statement that forgets the tenant scope (raw SQL, which the app-level scoping
cannot see) returns no tenant-owned row; inside a scope it returns that
scope's rows only; a write of another tenant's row is refused by the database.
SQLite keeps the app-level scoping only (tests/integration/test_tenant_scoping.py).
"""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from vendor_qa.extensions import db
from vendor_qa.tenants import rls
from vendor_qa.tenants.scoping import all_tenants, tenant_scope, tenants_scope

pytestmark = pytest.mark.postgresql


@pytest.fixture
def postgres(app):
    """PostgreSQL, with DATABASE_RLS on for the test (the default; a test may have turned it off)."""
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"  # the marker keeps these tests off SQLite
    before = app.config.get("DATABASE_RLS")
    app.config["DATABASE_RLS"] = True
    yield
    app.config["DATABASE_RLS"] = before


def _team_names() -> list[str]:
    return list(db.session.execute(text("SELECT name FROM team ORDER BY name")).scalars())


def test_raw_sql_without_scope_sees_no_rows(postgres, build):
    acme, globex = build.tenant(), build.tenant()
    build.team(acme, "A-team")
    build.team(globex, "G-team")
    db.session.rollback()

    assert _team_names() == []
    # the rows are there: the owner of the tables, outside any Session, sees them
    with db.engine.connect() as owner:
        assert owner.execute(text("SELECT count(*) FROM team")).scalar() == 2


def test_raw_sql_inside_a_scope_sees_that_scope_only(postgres, build):
    acme, globex, initech = build.tenant(), build.tenant(), build.tenant()
    build.team(acme, "A-team")
    build.team(globex, "G-team")
    build.team(initech, "I-team")
    db.session.rollback()

    with tenant_scope(acme.id):
        assert _team_names() == ["A-team"]
    with tenants_scope([acme.id, initech.id], "grader queue"):
        assert _team_names() == ["A-team", "I-team"]
    with all_tenants("rls test"):
        assert _team_names() == ["A-team", "G-team", "I-team"]
    # the scope may open and close in the middle of one transaction
    assert _team_names() == []
    with tenant_scope(globex.id):
        assert _team_names() == ["G-team"]
    assert _team_names() == []
    db.session.rollback()


def test_core_statement_on_the_session_connection_is_scoped(postgres, build):
    acme, globex = build.tenant(), build.tenant()
    build.team(acme, "A-team")
    build.team(globex, "G-team")
    db.session.rollback()
    conn = db.session.connection()
    assert conn.execute(text("SELECT count(*) FROM team")).scalar() == 0
    with tenant_scope(globex.id):
        assert conn.execute(text("SELECT name FROM team")).scalars().all() == ["G-team"]
    db.session.rollback()


def test_insert_of_another_tenants_row_is_refused(postgres, build):
    acme, globex = build.tenant(), build.tenant()
    db.session.rollback()
    with tenant_scope(acme.id):
        db.session.execute(text("INSERT INTO team (tenant_id, name) VALUES (:t, 'mine')"), {"t": acme.id})
        with pytest.raises(DBAPIError, match="row-level security"):
            db.session.execute(text("INSERT INTO team (tenant_id, name) VALUES (:t, 'theirs')"), {"t": globex.id})
    db.session.rollback()


def test_update_cannot_move_a_row_to_another_tenant(postgres, build):
    acme, globex = build.tenant(), build.tenant()
    build.team(acme, "A-team")
    db.session.rollback()
    with tenant_scope(acme.id):
        with pytest.raises(DBAPIError, match="row-level security"):
            db.session.execute(text("UPDATE team SET tenant_id = :g"), {"g": globex.id})
    db.session.rollback()


def test_rolled_back_savepoint_does_not_leave_a_stale_scope(postgres, build):
    acme = build.tenant()
    build.team(acme, "A-team")
    db.session.rollback()
    with tenant_scope(acme.id):
        nested = db.session.begin_nested()
        assert _team_names() == ["A-team"]
        nested.rollback()
        assert _team_names() == ["A-team"]
    assert _team_names() == []
    db.session.rollback()


def test_session_runs_as_a_role_without_bypassrls(postgres, app):
    with app.app_context():
        role, superuser, bypass = db.session.execute(text(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )).one()
        db.session.rollback()
    assert role == rls.APP_ROLE
    assert not superuser and not bypass


def test_with_rls_off_the_policies_change_nothing(postgres, app, build):
    app.config["DATABASE_RLS"] = False
    build.team(build.tenant(), "A-team")
    db.session.rollback()
    assert _team_names() == ["A-team"]  # raw SQL: only the app-level scoping, as before
    db.session.rollback()


def test_every_tenant_owned_table_has_a_forced_policy(postgres, app):
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "       EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = :policy) "
            "FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
        ), {"policy": rls.POLICY}).all()
    protected = {name for name, enabled, forced, policy in rows if enabled and forced and policy}
    tenant_owned = set(rls.tenant_owned_tables())
    assert tenant_owned, "no TenantOwned model found"
    assert tenant_owned - protected == set(), "tenant-owned tables without row-level security"
    # tables that are not tenant-owned (users, tenants) keep no policy
    assert protected - tenant_owned == set()


def test_an_object_loaded_in_a_scope_can_be_refreshed_after_it(postgres, build):
    # the app-level rule: the criteria of the query that loaded an object travel with it
    agent = build.agent(build.tenant())  # committed in its scope, so expired
    assert agent.tenant_id  # refreshed outside any scope
    assert _team_names() == []  # and the next statement is back under the policy
    db.session.rollback()
