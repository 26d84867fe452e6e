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


OLD_ALERT_KINDS = "kind IN ('compliance_at_risk', 'priority_overdue', 'capacity_short')"
NEW_ALERT_KINDS = "kind IN ('compliance_at_risk', 'priority_overdue', 'capacity_short', 'disputes_overdue')"
OPEN = sa.text("status = 'open'")


def upgrade():
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default=sa.text('1'), nullable=False))

    op.create_table('dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'accepted', 'partly_accepted', 'rejected')", name=op.f('ck_dispute_status_known')),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_dispute_evaluation_id_evaluation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user.id'], name=op.f('fk_dispute_raised_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_dispute_reviewer_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_dispute_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute'))
    )
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_evaluation_id'), ['evaluation_id'], unique=False)
        batch_op.create_index('ix_dispute_tenant_status_created', ['tenant_id', 'status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('uq_dispute_open_evaluation', ['evaluation_id'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)

    op.create_table('dispute_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('criterion_key', sa.String(length=32), nullable=False),
    sa.Column('disputed_answer', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_answer', sa.String(length=10), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=True),
    sa.Column('applied_answer', sa.String(length=10), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("decision IS NULL OR decision IN ('accepted', 'rejected')", name=op.f('ck_dispute_item_decision_known')),
    sa.ForeignKeyConstraint(['dispute_id'], ['dispute.id'], name=op.f('fk_dispute_item_dispute_id_dispute'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_dispute_item_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_item')),
    sa.UniqueConstraint('dispute_id', 'criterion_key', name=op.f('uq_dispute_item_dispute_id_criterion_key'))
    )
    with op.batch_alter_table('dispute_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_item_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('evaluation_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('dispute_id', sa.Integer(), nullable=False),
    sa.Column('superseded_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('comments', sa.JSON(), nullable=False),
    sa.Column('total', sa.Numeric(precision=7, scale=4), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('band', sa.String(length=60), nullable=True),
    sa.Column('auto_failed', sa.Boolean(), nullable=False),
    sa.Column('section_scores', sa.JSON(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dispute_id'], ['dispute.id'], name=op.f('fk_evaluation_revision_dispute_id_dispute'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_evaluation_revision_evaluation_id_evaluation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_evaluation_revision_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_revision')),
    sa.UniqueConstraint('evaluation_id', 'revision', name=op.f('uq_evaluation_revision_evaluation_id_revision'))
    )
    with op.batch_alter_table('evaluation_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_revision_tenant_id'), ['tenant_id'], unique=False)

    # Aged disputes alert the vendor admins through the SLA alerts.
    with op.batch_alter_table('sla_alert', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sla_alert_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sla_alert_kind_known'), NEW_ALERT_KINDS)


def downgrade():
    op.execute("DELETE FROM sla_alert WHERE kind = 'disputes_overdue'")
    with op.batch_alter_table('sla_alert', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sla_alert_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_sla_alert_kind_known'), OLD_ALERT_KINDS)

    with op.batch_alter_table('evaluation_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_revision_tenant_id'))
    op.drop_table('evaluation_revision')

    with op.batch_alter_table('dispute_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_item_tenant_id'))
    op.drop_table('dispute_item')

    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index('uq_dispute_open_evaluation', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_index(batch_op.f('ix_dispute_tenant_id'))
        batch_op.drop_index('ix_dispute_tenant_status_created')
        batch_op.drop_index(batch_op.f('ix_dispute_evaluation_id'))
    op.drop_table('dispute')

    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_column('revision')
