"""imports: a fingerprint of each organisation's last imported record, so an unchanged re-import skips it

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-08 02:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('import_hash')
