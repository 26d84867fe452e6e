"""rollups for pages at scale

report_criterion_verdict: the dashboard's systemic-or-individual verdicts, stored under a
digest of their inputs by the reports' refresh_verdicts job (vendor_qa/reports/verdicts.py).
ix_call_tenant_topic: the calls list's topic choices, a probe per topic (vendor_qa/calls/queries.py).

Revision ID: 18d000000014
Revises: 18c000000013
Create Date: 2026-12-05 04:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import vendor_qa.models
from vendor_qa.tenants import rls

# revision identifiers, used by Alembic.
revision = '18d000000014'
down_revision = '18c000000013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_criterion_verdict',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('standing_out', sa.JSON(), nullable=False),
    sa.Column('seen_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_report_criterion_verdict_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'digest', name=op.f('pk_report_criterion_verdict'))
    )
    with op.batch_alter_table('report_criterion_verdict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_criterion_verdict_tenant_id'), ['tenant_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for statement in rls.enable_statements('report_criterion_verdict'):
            op.execute(statement)

    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.create_index('ix_call_tenant_topic', ['tenant_id', 'topic'], unique=False)


def downgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_index('ix_call_tenant_topic')

    with op.batch_alter_table('report_criterion_verdict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_criterion_verdict_tenant_id'))

    op.drop_table('report_criterion_verdict')
