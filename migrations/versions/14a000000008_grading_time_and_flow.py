"""grading time and flow

grading_clock: the running tally of a grader's time on an assignment (vendor_qa/grading/timing.py),
from starting the work to submitting it, minus the time away. Existing evaluations keep the
grading time they have (the wall time from opening to submitting).

Revision ID: 14a000000008
Revises: 5ec0a1000007
Create Date: 2026-12-05 00:10:00.000000

A new tenant-owned table gets row-level security here too: run
`rls.enable_statements(table)` on PostgreSQL (see 5ec0a1000007).
"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models
from vendor_qa.tenants import rls


# revision identifiers, used by Alembic.
revision = '14a000000008'
down_revision = '5ec0a1000007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grading_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('grader_id', sa.Integer(), nullable=False),
    sa.Column('started_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('away', sa.Boolean(), nullable=False),
    sa.Column('reporting', sa.Boolean(), nullable=False),
    sa.Column('active_seconds', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_grading_clock_assignment_id_assignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grader_id'], ['user.id'], name=op.f('fk_grading_clock_grader_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_grading_clock_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grading_clock')),
    sa.UniqueConstraint('assignment_id', 'grader_id', name=op.f('uq_grading_clock_assignment_id_grader_id'))
    )
    with op.batch_alter_table('grading_clock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grading_clock_grader_id'), ['grader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grading_clock_tenant_id'), ['tenant_id'], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in rls.enable_statements('grading_clock'):
            op.execute(statement)


def downgrade():
    with op.batch_alter_table('grading_clock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grading_clock_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_grading_clock_grader_id'))

    op.drop_table('grading_clock')
