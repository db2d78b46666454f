"""kitemark: drop kitemark_history, which duplicated the audit log

Every kitemark step already writes an audit event with the same facts (who, when, the status before and after,
the reasons and checklist results); the history page now reads those events. The rows dropped here are copies
of audit events, apart from demo data's made-up ones. Downgrade recreates the empty table.

Revision ID: 0008
Revises: 0010
Create Date: 2026-12-07 20:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kitemark_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitemark_history_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_kitemark_history_occurred_at'))

    op.drop_table('kitemark_history')


def downgrade():
    op.create_table('kitemark_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('kitemark_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_kitemark_history_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['application_id'], ['kitemark_application.id'], name=op.f('fk_kitemark_history_application_id_kitemark_application'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['kitemark_id'], ['kitemark.id'], name=op.f('fk_kitemark_history_kitemark_id_kitemark'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_kitemark_history_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitemark_history'))
    )
    with op.batch_alter_table('kitemark_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitemark_history_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitemark_history_organisation_id'), ['organisation_id'], unique=False)
