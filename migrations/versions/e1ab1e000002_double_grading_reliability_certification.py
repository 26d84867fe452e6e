"""double grading reliability certification

Revision ID: e1ab1e000002
Revises: d15b0e7e0001
Create Date: 2026-11-22 18:00:00.000000

Assignments get the reason 'double' (a blind second grade of a sampled call), and grader
certifications an activation time: NULL while a certification waits behind its tenant's
certification gate. Certifications that exist already were working, so they count as
activated when they were certified.
"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models


# revision identifiers, used by Alembic.
revision = 'e1ab1e000002'
down_revision = 'd15b0e7e0001'
branch_labels = None
depends_on = None

OLD_REASONS = "reason IN ('low_rating', 'sample', 'manual', 'calibration')"
NEW_REASONS = "reason IN ('low_rating', 'sample', 'manual', 'calibration', 'double')"


def upgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assignment_reason_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_assignment_reason_known'), NEW_REASONS)

    with op.batch_alter_table('grader_certification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activated_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=True))
    op.execute("UPDATE grader_certification SET activated_at = certified_at")


def downgrade():
    with op.batch_alter_table('grader_certification', schema=None) as batch_op:
        batch_op.drop_column('activated_at')

    op.execute("DELETE FROM assignment WHERE reason = 'double'")
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_assignment_reason_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_assignment_reason_known'), OLD_REASONS)
