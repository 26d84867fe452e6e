"""sla capacity and board

The index planning uses to find a week's low-rated calls that have no priority review yet
(vendor_qa/sla/models.py; bench/sla_plan.py). The capacity page and the board's calibration
column need no schema change: GraderCapacity exists since the sla migration.

Revision ID: 0a5e1a000004
Revises: f0ca5e000003
Create Date: 2026-11-22 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models


# revision identifiers, used by Alembic.
revision = '0a5e1a000004'
down_revision = 'f0ca5e000003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.create_index('ix_call_tenant_rating_started', ['tenant_id', 'customer_rating', 'started_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('call', schema=None) as batch_op:
        batch_op.drop_index('ix_call_tenant_rating_started')
