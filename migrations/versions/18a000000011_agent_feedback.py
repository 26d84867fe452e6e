"""agent feedback: team leads, agent e-mail, coaching sessions

Revision ID: 18a000000011
Revises: 17f000000010
Create Date: 2026-12-05 04:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

import vendor_qa.models  # noqa: F401
from vendor_qa.tenants import rls

# revision identifiers, used by Alembic.
revision = '18a000000011'
down_revision = '17f000000010'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('agent', sa.Column('email', sa.String(length=254), nullable=True))
    op.create_table('user_team',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_user_team_team_id_team'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_team_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'team_id', name=op.f('pk_user_team'))
    )
    op.create_index(op.f('ix_user_team_team_id'), 'user_team', ['team_id'], unique=False)
    op.create_table('coaching_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('coach_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('focus_criteria', sa.JSON(), nullable=False),
    sa.Column('evaluation_ids', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('notes_shared', sa.Boolean(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('followed_up_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('follow_up_on IS NULL OR follow_up_on >= held_on',
                       name=op.f('ck_coaching_session_follow_up_after_session')),
    sa.ForeignKeyConstraint(['agent_id'], ['agent.id'], name=op.f('fk_coaching_session_agent_id_agent'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coach_id'], ['user.id'], name=op.f('fk_coaching_session_coach_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_coaching_session_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_session'))
    )
    op.create_index(op.f('ix_coaching_session_tenant_id'), 'coaching_session', ['tenant_id'], unique=False)
    op.create_index('ix_coaching_session_tenant_agent_held', 'coaching_session', ['tenant_id', 'agent_id', 'held_on'],
                    unique=False)
    op.create_index('ix_coaching_session_tenant_follow_up', 'coaching_session', ['tenant_id', 'follow_up_on'],
                    unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for statement in rls.enable_statements('coaching_session'):
            op.execute(statement)


def downgrade():
    op.drop_index('ix_coaching_session_tenant_follow_up', table_name='coaching_session')
    op.drop_index('ix_coaching_session_tenant_agent_held', table_name='coaching_session')
    op.drop_index(op.f('ix_coaching_session_tenant_id'), table_name='coaching_session')
    op.drop_table('coaching_session')
    op.drop_index(op.f('ix_user_team_team_id'), table_name='user_team')
    op.drop_table('user_team')
    op.drop_column('agent', 'email')
