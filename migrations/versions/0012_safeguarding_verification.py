"""safeguarding verification: requests, assignment, item results and decisions, lapses; approved bodies; listing freshness

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 20:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # Freshness: every existing listing counts as confirmed when it was last updated.
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("is_stale", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE organisation SET confirmed_at = updated_at")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.alter_column("confirmed_at", existing_type=sa.DateTime(), nullable=False)

    # Bodies are listed publicly once approved; every existing body stays listed.
    with op.batch_alter_table("commissioning_body", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_listed", sa.Boolean(), nullable=False, server_default=sa.true()))

    op.create_table(
        "safeguarding_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("changed_fields", sa.JSON(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.Column("no_conflict_declared_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("checks", sa.JSON(), nullable=True),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("lapsed_at", sa.DateTime(), nullable=True),
        sa.Column("lapse_reason", sa.Text(), nullable=False),
        sa.Column("kitemark_application_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["user.id"],
            name=op.f("fk_safeguarding_verification_assessor_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name=op.f("fk_safeguarding_verification_decided_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["kitemark_application_id"],
            ["kitemark_application.id"],
            name=op.f("fk_safeguarding_verification_kitemark_application_id_kitemark_application"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_safeguarding_verification_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name=op.f("fk_safeguarding_verification_requested_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_verification")),
    )
    with op.batch_alter_table("safeguarding_verification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_safeguarding_verification_assessor_id"), ["assessor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_safeguarding_verification_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_safeguarding_verification_requested_at"), ["requested_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_safeguarding_verification_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("safeguarding_verification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safeguarding_verification_status"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_verification_requested_at"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_verification_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_safeguarding_verification_assessor_id"))
    op.drop_table("safeguarding_verification")
    with op.batch_alter_table("commissioning_body", schema=None) as batch_op:
        batch_op.drop_column("is_listed")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("is_stale")
        batch_op.drop_column("confirmed_at")
