"""sla capacity and board

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
    pass


def downgrade():
    pass
