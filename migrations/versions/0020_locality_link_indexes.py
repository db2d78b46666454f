"""directory: index the locality side of organisation_locality and offer_locality (the area overview and the
matching's areas read them by locality; without an index each read scanned the whole table)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-08 03:40:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation_locality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_locality_locality_id'), ['locality_id'], unique=False)
    with op.batch_alter_table('offer_locality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_locality_locality_id'), ['locality_id'], unique=False)


def downgrade():
    with op.batch_alter_table('offer_locality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_locality_locality_id'))
    with op.batch_alter_table('organisation_locality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_locality_locality_id'))
