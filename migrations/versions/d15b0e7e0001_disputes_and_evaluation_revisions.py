"""disputes and evaluation revisions

Revision ID: d15b0e7e0001
Revises: 9fa5c3549805
Create Date: 2026-11-22 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models


# revision identifiers, used by Alembic.
revision = 'd15b0e7e0001'
down_revision = '9fa5c3549805'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
