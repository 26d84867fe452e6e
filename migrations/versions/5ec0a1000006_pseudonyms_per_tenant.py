"""pseudonyms per tenant

A grader's pseudonym is now per tenant (table grader_pseudonym), so two clients comparing notes
cannot link a grader who works for both.

Existing pairs keep what their clients have seen: every (tenant, grader) pair that has a
certification (current or ended), an assignment or an evaluation gets the grader's old global
pseudonym (user.pseudonym) as that tenant's pseudonym. Changing it would break the records
clients already hold (exports, disputes, API pulls). The price: a grader who worked for several
tenants before this migration stays linked across exactly those tenants. Pairs made from now on
(new certifications) draw fresh pseudonyms that no tenant has seen, so they are unlinkable.
user.pseudonym stays as the grader's vendor-side handle.

Downgrade drops the table: every client sees the global pseudonym again.

Revision ID: 5ec0a1000006
Revises: 5ec0a1000005
Create Date: 2026-12-04 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import vendor_qa.models


# revision identifiers, used by Alembic.
revision = '5ec0a1000006'
down_revision = '5ec0a1000005'
branch_labels = None
depends_on = None

# Every pair a client may have seen a pseudonym of, from the tables that tie a grader to a tenant.
EXISTING_PAIRS = """
INSERT INTO grader_pseudonym (tenant_id, grader_id, pseudonym, created_at)
SELECT pairs.tenant_id, u.id, u.pseudonym, CURRENT_TIMESTAMP
FROM (SELECT tenant_id, grader_id FROM grader_certification
      UNION SELECT tenant_id, grader_id FROM assignment WHERE grader_id IS NOT NULL
      UNION SELECT tenant_id, grader_id FROM evaluation) AS pairs
JOIN "user" u ON u.id = pairs.grader_id
WHERE u.pseudonym IS NOT NULL
"""


def upgrade():
    op.create_table('grader_pseudonym',
    sa.Column('grader_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=12), nullable=False),
    sa.Column('created_at', vendor_qa.models.UtcDateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grader_id'], ['user.id'], name=op.f('fk_grader_pseudonym_grader_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_grader_pseudonym_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'grader_id', name=op.f('pk_grader_pseudonym')),
    sa.UniqueConstraint('tenant_id', 'pseudonym', name=op.f('uq_grader_pseudonym_tenant_id_pseudonym'))
    )
    with op.batch_alter_table('grader_pseudonym', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grader_pseudonym_grader_id'), ['grader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grader_pseudonym_tenant_id'), ['tenant_id'], unique=False)

    op.execute(EXISTING_PAIRS)


def downgrade():
    with op.batch_alter_table('grader_pseudonym', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grader_pseudonym_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_grader_pseudonym_grader_id'))

    op.drop_table('grader_pseudonym')
