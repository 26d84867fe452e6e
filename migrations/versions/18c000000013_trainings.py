"""trainings and their follow-up

training: a training with its target (criteria and/or topic, the follow-up window, the expected
improvement); trainee: its agents; agent_status: each agent's customer status ("off customers
until re-certified") as a history of rows (vendor_qa/trainings/models.py). Row-level security on
all three on PostgreSQL.

Revision ID: 18c000000013
Revises: 18b000000012
Create Date: 2026-12-05 04:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import vendor_qa.models
from vendor_qa.tenants import rls

# revision identifiers, used by Alembic.
revision = '18c000000013'
down_revision = '18b000000012'
branch_labels = None
depends_on = None

TABLES = ('training', 'trainee', 'agent_status')


def _tenant(table):
    return [sa.Column('tenant_id', sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f(f'fk_{table}_tenant_id_tenant'),
                                    ondelete='CASCADE')]


def upgrade():
    op.create_table('training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('criterion_keys', sa.JSON(), nullable=False),
    sa.Column('topic', sa.String(length=120), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('follow_up_weeks', sa.Integer(), nullable=False),
    sa.Column('expected_improvement', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('finding_period', sa.String(length=24), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    *_tenant('training'),
    sa.CheckConstraint("source IN ('finding', 'manual', 'recertification')", name=op.f('ck_training_source_known')),
    sa.CheckConstraint('follow_up_weeks BETWEEN 1 AND 26', name=op.f('ck_training_window_sane')),
    sa.CheckConstraint('expected_improvement BETWEEN 1 AND 100', name=op.f('ck_training_improvement_sane')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_training_created_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training'))
    )
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_training_tenant_given', ['tenant_id', 'given_on'], unique=False)

    op.create_table('trainee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    *_tenant('trainee'),
    sa.ForeignKeyConstraint(['training_id'], ['training.id'], name=op.f('fk_trainee_training_id_training'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_trainee_agent_id_agent'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainee')),
    sa.UniqueConstraint('training_id', 'agent_id', name=op.f('uq_trainee_training_id_agent_id'))
    )
    with op.batch_alter_table('trainee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trainee_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trainee_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('agent_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('band', sa.String(length=60), nullable=True),
    sa.Column('training_id', sa.Integer(), nullable=True),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    *_tenant('agent_status'),
    sa.CheckConstraint("status IN ('off_customers', 'on_customers')", name=op.f('ck_agent_status_status_known')),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_agent_status_agent_id_agent'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['training_id'], ['training.id'], name=op.f('fk_agent_status_training_id_training'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_agent_status_set_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_status'))
    )
    with op.batch_alter_table('agent_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_status_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_agent_status_agent_at', ['agent_id', 'at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for statement in rls.enable_statements(table):
                op.execute(statement)


def downgrade():
    for table in reversed(TABLES):
        op.drop_table(table)
