"""report rollups and indexes

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
    pass


def downgrade():
    pass
