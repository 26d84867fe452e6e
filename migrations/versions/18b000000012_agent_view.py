"""agent view: personal links and acknowledgments

Revision ID: 18b000000012
Revises: 18a000000011
Create Date: 2026-12-05 04:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import vendor_qa.models
from vendor_qa.tenants import rls

# revision identifiers, used by Alembic.
revision = '18b000000012'
down_revision = '18a000000011'
branch_labels = None
depends_on = None


TABLES = ("agent_link", "agent_link_delivery", "acknowledgment", "dispute_request")


def _tenant(table):
    return sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f(f'fk_{table}_tenant_id_tenant'),
                                   ondelete='CASCADE')


def upgrade():
    when = vendor_qa.models.UtcDateTime(timezone=True)
    op.create_table('agent_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', when, nullable=False),
    sa.Column('expires_at', when, nullable=False),
    sa.Column('revoked_at', when, nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_agent_link_agent_id_agent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_agent_link_created_by_id_user'), ondelete='SET NULL'),
    _tenant('agent_link'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_agent_link_token_hash'))
    )
    op.create_table('agent_link_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', when, nullable=True),
    sa.Column('created_at', when, nullable=False),
    sa.Column('updated_at', when, nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name=op.f('ck_agent_link_delivery_status_known')),
    sa.ForeignKeyConstraint(['link_id'], ['agent_link.id'], name=op.f('fk_agent_link_delivery_link_id_agent_link'), ondelete='CASCADE'),
    _tenant('agent_link_delivery'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_link_delivery')),
    sa.UniqueConstraint('link_id', 'recipient', name=op.f('uq_agent_link_delivery_link_id_recipient'))
    )
    op.create_table('acknowledgment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', when, nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_acknowledgment_agent_id_agent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_acknowledgment_evaluation_id_evaluation'), ondelete='CASCADE'),
    _tenant('acknowledgment'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acknowledgment')),
    sa.UniqueConstraint('evaluation_id', name=op.f('uq_acknowledgment_evaluation_id'))
    )
    op.create_table('dispute_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', when, nullable=False),
    sa.Column('decided_at', when, nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'declined')", name=op.f('ck_dispute_request_status_known')),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_dispute_request_agent_id_agent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_dispute_request_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_dispute_request_evaluation_id_evaluation'), ondelete='CASCADE'),
    _tenant('dispute_request'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_request')),
    sa.UniqueConstraint('evaluation_id', name=op.f('uq_dispute_request_evaluation_id'))
    )
    for table, columns in (('agent_link', ['agent_id', 'tenant_id']), ('agent_link_delivery', ['link_id', 'tenant_id']),
                           ('acknowledgment', ['agent_id', 'tenant_id']), ('dispute_request', ['agent_id', 'tenant_id'])):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for statement in rls.enable_statements(table):
                op.execute(statement)


def downgrade():
    for table in reversed(TABLES):
        op.drop_table(table)
