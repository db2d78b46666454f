"""geography and ages: authority centres, ceremonial counties, neighbours, outcode authority; adults-only
providers; needs that require (rather than prefer) providers serving their areas

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-07 20:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('locality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('easting', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('northing', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ceremonial_county_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_locality_ceremonial_county_id_locality'), 'locality', ['ceremonial_county_id'], ['id']
        )
    op.create_table('locality_neighbour',
    sa.Column('locality_id', sa.Integer(), nullable=False),
    sa.Column('neighbour_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['locality_id'], ['locality.id'], name=op.f('fk_locality_neighbour_locality_id_locality'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['neighbour_id'], ['locality.id'], name=op.f('fk_locality_neighbour_neighbour_id_locality'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('locality_id', 'neighbour_id', name=op.f('pk_locality_neighbour'))
    )
    with op.batch_alter_table('outcode', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ons_code', sa.String(length=9), nullable=True))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adults_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.add_column(sa.Column('localities_required', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_column('localities_required')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('adults_only')
    with op.batch_alter_table('outcode', schema=None) as batch_op:
        batch_op.drop_column('ons_code')
    op.drop_table('locality_neighbour')
    with op.batch_alter_table('locality', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_locality_ceremonial_county_id_locality'), type_='foreignkey')
        batch_op.drop_column('ceremonial_county_id')
        batch_op.drop_column('northing')
        batch_op.drop_column('easting')
