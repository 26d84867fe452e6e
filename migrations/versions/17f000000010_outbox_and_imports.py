"""outbox and imports

Revision ID: 17f000000010
Revises: 14b000000009
Create Date: 2026-12-05 00:10:00.000000

The outbox (vendor_qa.work.models.OutboxEntry): jobs written in the transaction of
their work and relayed to RQ. It is not tenant-owned (the relay serves every tenant;
each job's arguments carry its tenant_id), so it has no row-level security.
An import's uploaded text may now be emptied once the import is over.
"""
import sqlalchemy as sa
from alembic import op

import vendor_qa.models

# revision identifiers, used by Alembic.
revision = '17f000000010'
down_revision = '14b000000009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('func', sa.String(length=200), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('kwargs', sa.JSON(), nullable=False),
        sa.Column('job_id', sa.String(length=200), nullable=True),
        sa.Column('timeout', sa.Integer(), nullable=False),
        sa.Column('retries', sa.Integer(), nullable=False),
        sa.Column('retry_intervals', sa.JSON(), nullable=False),
        sa.Column('created_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column('relayed_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_entry')),
    )
    op.create_index('ix_outbox_entry_pending', 'outbox_entry', ['relayed_at', 'id'], unique=False)
    with op.batch_alter_table('call_import', schema=None) as batch_op:
        batch_op.alter_column('content', existing_type=sa.Text(), nullable=True)


def downgrade():
    op.execute("UPDATE call_import SET content = '' WHERE content IS NULL")
    with op.batch_alter_table('call_import', schema=None) as batch_op:
        batch_op.alter_column('content', existing_type=sa.Text(), nullable=False)
    op.drop_index('ix_outbox_entry_pending', table_name='outbox_entry')
    op.drop_table('outbox_entry')
