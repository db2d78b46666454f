"""several hosts: the search index change feed, index followers' positions, scheduled jobs and their leases

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07 23:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "index_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_change")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("index_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_index_change_created_at"), ["created_at"], unique=False)

    op.create_table(
        "index_follower",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("last_applied_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_index_follower")),
    )

    op.create_table(
        "scheduled_job",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lease_holder", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(), nullable=True),
        sa.Column("last_started_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("last_host", sa.String(length=200), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_job")),
    )


def downgrade():
    op.drop_table("scheduled_job")
    op.drop_table("index_follower")
    with op.batch_alter_table("index_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_index_change_created_at"))
    op.drop_table("index_change")
