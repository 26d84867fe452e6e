"""double grading reliability certification

Revision ID: e1ab1e000002
Revises: d15b0e7e0001
Create Date: 2026-11-22 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models


# revision identifiers, used by Alembic.
revision = 'e1ab1e000002'
down_revision = 'd15b0e7e0001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
