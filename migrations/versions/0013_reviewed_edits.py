"""reviewed edits: pending revisions of trusted listings' material fields, and the change feed of minor edits

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 23:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "profile_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("no_conflict_declared_at", sa.DateTime(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        _fk("profile_revision", "decided_by_id", "user", "SET NULL"),
        _fk("profile_revision", "document_id", "evidence_document", "SET NULL"),
        _fk("profile_revision", "organisation_id", "organisation", "CASCADE"),
        _fk("profile_revision", "submitted_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_revision")),
    )
    with op.batch_alter_table("profile_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profile_revision_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_profile_revision_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_profile_revision_submitted_at"), ["submitted_at"], unique=False)

    op.create_table(
        "change_feed_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        _fk("change_feed_entry", "actor_id", "user", "SET NULL"),
        _fk("change_feed_entry", "organisation_id", "organisation", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_feed_entry")),
    )
    with op.batch_alter_table("change_feed_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_feed_entry_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_change_feed_entry_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("change_feed_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_feed_entry_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_change_feed_entry_occurred_at"))
    op.drop_table("change_feed_entry")
    with op.batch_alter_table("profile_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_revision_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_profile_revision_status"))
        batch_op.drop_index(batch_op.f("ix_profile_revision_organisation_id"))
    op.drop_table("profile_revision")
