"""sessions and second factor

Revision ID: 5ec0a1000005
Revises: 0a5e1a000004
Create Date: 2026-12-04 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models


# revision identifiers, used by Alembic.
revision = '5ec0a1000005'
down_revision = '0a5e1a000004'
branch_labels = None
depends_on = None


def upgrade():
    # Existing sessions hold a bare user id, which the new loader refuses: everyone logs in once more.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('session_epoch')
