"""row level security

Revision ID: 5ec0a1000007
Revises: 5ec0a1000006
Create Date: 2026-12-04 22:00:00.000000

PostgreSQL only (SQLite keeps the app-level scoping): the role vendor_qa_app
(NOLOGIN, NOSUPERUSER, NOBYPASSRLS) with rights on the tables, granted to the
migrating user, and on every tenant-owned table (the TenantOwned models) ENABLE
and FORCE ROW LEVEL SECURITY with the policy `tenant_isolation` driven by the
transaction-local settings vendor_qa.tenant_ids and vendor_qa.all_tenants
(vendor_qa/tenants/rls.py). A later migration that adds a tenant-owned table
gives it the same policy with `rls.enable_statements(table)`.
"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models
from vendor_qa.tenants import rls


# revision identifiers, used by Alembic.
revision = '5ec0a1000007'
down_revision = '5ec0a1000006'
branch_labels = None
depends_on = None

ROLE = rls.APP_ROLE


def _tables(bind) -> list[str]:
    existing = set(sa.inspect(bind).get_table_names())
    return [t for t in rls.tenant_owned_tables() if t in existing]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    # Roles belong to the cluster: another database may have made it already (or be making it now).
    op.execute(f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
                CREATE ROLE "{ROLE}" NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$
    """)
    # The user that runs the app (here: the migrating user) switches to it per transaction.
    op.execute(f"""
        DO $$
        BEGIN
            IF NOT pg_has_role(current_user, '{ROLE}', 'MEMBER') THEN
                EXECUTE format('GRANT %I TO %I', '{ROLE}', current_user);
            END IF;
        END $$
    """)
    op.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{ROLE}"')
    op.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "{schema}" TO "{ROLE}"')
    op.execute(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{ROLE}"')
    op.execute(f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" '
               f'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO "{ROLE}"')
    op.execute(f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "{ROLE}"')
    op.execute(f'REVOKE ALL ON TABLE alembic_version FROM "{ROLE}"')
    for table in _tables(bind):
        for statement in rls.enable_statements(table):
            op.execute(statement)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    for table in _tables(bind):
        for statement in rls.disable_statements(table):
            op.execute(statement)
    # The role stays (it belongs to the cluster, other databases may use it); its rights here go.
    op.execute(f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" REVOKE ALL ON SEQUENCES FROM "{ROLE}"')
    op.execute(f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" REVOKE ALL ON TABLES FROM "{ROLE}"')
    op.execute(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM "{ROLE}"')
    op.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM "{ROLE}"')
    op.execute(f'REVOKE USAGE ON SCHEMA "{schema}" FROM "{ROLE}"')
