"""evaluation evidence

Revision ID: 14b000000009
Revises: 14a000000008
Create Date: 2026-12-05 00:10:00.000000

A column of `evaluation`, a tenant-owned table that already has row-level security
(5ec0a1000007): no new table, so no new policy.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14b000000009'
down_revision = '14a000000008'
branch_labels = None
depends_on = None


def upgrade():
    # The quotes behind each criterion's score live with the answers and comments they back
    # (vendor_qa.grading.evidence); a column of an existing tenant-owned table, already under RLS.
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))


def downgrade():
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_column('evidence')
