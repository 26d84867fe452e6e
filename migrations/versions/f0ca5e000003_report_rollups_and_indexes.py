"""report rollups and indexes

The rollup tables of vendor_qa/reports/rollups.py and the index behind the reports' exclusion
of uncounted assignments. The tables start empty: evaluations submitted from now on fill them;
a database with evaluations already needs one `flask --app wsgi reports rollups rebuild`
(every tenant) after this upgrade, until then its dashboards show no figures.

Revision ID: f0ca5e000003
Revises: e1ab1e000002
Create Date: 2026-11-22 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models


# revision identifiers, used by Alembic.
revision = 'f0ca5e000003'
down_revision = 'e1ab1e000002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_day_rollup',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('topic', sa.String(length=120), nullable=False),
    sa.Column('evaluations', sa.Integer(), nullable=False),
    sa.Column('scored', sa.Integer(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('total_sq', sa.BigInteger(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('auto_failed', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_report_day_rollup_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'day', 'channel', 'topic', name=op.f('pk_report_day_rollup'))
    )
    with op.batch_alter_table('report_day_rollup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_day_rollup_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('report_agent_rollup',
    sa.Column('grain', sa.String(length=5), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('last_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('evaluations', sa.Integer(), nullable=False),
    sa.Column('scored', sa.Integer(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('total_sq', sa.BigInteger(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('auto_failed', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("grain IN ('week', 'month')", name=op.f('ck_report_agent_rollup_grain_known')),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_report_agent_rollup_agent_id_agent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_report_agent_rollup_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'grain', 'start', 'agent_id', name=op.f('pk_report_agent_rollup'))
    )
    with op.batch_alter_table('report_agent_rollup', schema=None) as batch_op:
        batch_op.create_index('ix_report_agent_rollup_read', ['tenant_id', 'grain', 'start'], unique=False, postgresql_include=['agent_id', 'evaluations', 'scored', 'total', 'total_sq', 'passed', 'auto_failed', 'last_at'])
        batch_op.create_index(batch_op.f('ix_report_agent_rollup_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('report_criterion_rollup',
    sa.Column('grain', sa.String(length=5), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('criterion_key', sa.String(length=32), nullable=False),
    sa.Column('applicable', sa.Integer(), nullable=False),
    sa.Column('lost', sa.Integer(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("grain IN ('week', 'month')", name=op.f('ck_report_criterion_rollup_grain_known')),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_report_criterion_rollup_agent_id_agent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_report_criterion_rollup_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'grain', 'start', 'agent_id', 'criterion_key', name=op.f('pk_report_criterion_rollup'))
    )
    with op.batch_alter_table('report_criterion_rollup', schema=None) as batch_op:
        batch_op.create_index('ix_report_criterion_rollup_read', ['tenant_id', 'grain', 'start'], unique=False, postgresql_include=['agent_id', 'criterion_key', 'applicable', 'lost', 'points'])
        batch_op.create_index(batch_op.f('ix_report_criterion_rollup_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index('ix_assignment_tenant_reason', ['tenant_id', 'reason', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index('ix_assignment_tenant_reason')

    with op.batch_alter_table('report_criterion_rollup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_criterion_rollup_tenant_id'))
        batch_op.drop_index('ix_report_criterion_rollup_read', postgresql_include=['agent_id', 'criterion_key', 'applicable', 'lost', 'points'])

    op.drop_table('report_criterion_rollup')
    with op.batch_alter_table('report_agent_rollup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_agent_rollup_tenant_id'))
        batch_op.drop_index('ix_report_agent_rollup_read', postgresql_include=['agent_id', 'evaluations', 'scored', 'total', 'total_sq', 'passed', 'auto_failed', 'last_at'])

    op.drop_table('report_agent_rollup')
    with op.batch_alter_table('report_day_rollup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_day_rollup_tenant_id'))

    op.drop_table('report_day_rollup')
