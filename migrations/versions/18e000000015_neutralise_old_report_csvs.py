"""neutralise old report CSVs

Revision ID: 18e000000015
Revises: 18d000000014
Create Date: 2026-12-05 05:10:00.000000

Reports built before every export went through vendor_qa.csv_export kept CSVs whose names
could start a formula in a spreadsheet. Their stored CSVs are written again under the rule
(`csv_export.rewritten`: figures stay, text that would start a formula gets its quote).
Nothing to undo: the rewritten files say the same, safely.
"""
import gzip

import sqlalchemy as sa
from alembic import op

from vendor_qa.csv_export import rewritten

# revision identifiers, used by Alembic.
revision = '18e000000015'
down_revision = '18d000000014'
branch_labels = None
depends_on = None

REPORT = sa.table('report', sa.column('id', sa.Integer), sa.column('evaluations_csv', sa.LargeBinary),
                  sa.column('agents_csv', sa.LargeBinary))


def _again(stored: bytes | None) -> bytes | None:
    if stored is None:
        return None
    return gzip.compress(rewritten(gzip.decompress(stored).decode('utf-8')).encode('utf-8'), mtime=0)


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':  # every tenant's reports, whatever role runs the migration
        bind.execute(sa.text("SELECT set_config('vendor_qa.all_tenants', 'on', true)"))
    ids = bind.execute(sa.select(REPORT.c.id).where(
        REPORT.c.evaluations_csv.is_not(None) | REPORT.c.agents_csv.is_not(None))).scalars().all()
    for id_ in ids:  # one report's files at a time: they can be large
        evaluations, agents = bind.execute(
            sa.select(REPORT.c.evaluations_csv, REPORT.c.agents_csv).where(REPORT.c.id == id_)).one()
        bind.execute(REPORT.update().where(REPORT.c.id == id_).values(
            evaluations_csv=_again(evaluations), agents_csv=_again(agents)))


def downgrade():
    pass
