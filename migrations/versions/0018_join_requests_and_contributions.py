"""join requests (registering to join a listed organisation) and contribution statements per body framework

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 23:01:56.359433

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "join_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user.id"], name=op.f("fk_join_request_decided_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_join_request_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_join_request_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_request")),
    )
    with op.batch_alter_table("join_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_request_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_join_request_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_join_request_user_id"), ["user_id"], unique=False)

    op.create_table(
        "body_contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("aim_id", sa.Integer(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["aim_id"], ["framework_aim.id"], name=op.f("fk_body_contribution_aim_id_framework_aim"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["commissioning_body.id"],
            name=op.f("fk_body_contribution_body_id_commissioning_body"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_body_contribution_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["framework_outcome.id"],
            name=op.f("fk_body_contribution_outcome_id_framework_outcome"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["framework_theme.id"],
            name=op.f("fk_body_contribution_theme_id_framework_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_contribution")),
    )
    with op.batch_alter_table("body_contribution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_contribution_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_contribution_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_contribution_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "body_contribution_evidence",
        sa.Column("body_contribution_id", sa.Integer(), nullable=False),
        sa.Column("impact_evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_contribution_id"],
            ["body_contribution.id"],
            name=op.f("fk_body_contribution_evidence_body_contribution_id_body_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["impact_evidence_id"],
            ["impact_evidence.id"],
            name=op.f("fk_body_contribution_evidence_impact_evidence_id_impact_evidence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "body_contribution_id", "impact_evidence_id", name=op.f("pk_body_contribution_evidence")
        ),
    )
    op.create_table(
        "body_contribution_offer",
        sa.Column("body_contribution_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_contribution_id"],
            ["body_contribution.id"],
            name=op.f("fk_body_contribution_offer_body_contribution_id_body_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offer.id"], name=op.f("fk_body_contribution_offer_offer_id_offer"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("body_contribution_id", "offer_id", name=op.f("pk_body_contribution_offer")),
    )
    op.create_table(
        "body_contribution_outcome",
        sa.Column("body_contribution_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_contribution_id"],
            ["body_contribution.id"],
            name=op.f("fk_body_contribution_outcome_body_contribution_id_body_contribution"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["term.id"], name=op.f("fk_body_contribution_outcome_term_id_term"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("body_contribution_id", "term_id", name=op.f("pk_body_contribution_outcome")),
    )


def downgrade():
    op.drop_table("body_contribution_outcome")
    op.drop_table("body_contribution_offer")
    op.drop_table("body_contribution_evidence")
    with op.batch_alter_table("body_contribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_contribution_theme_id"))
        batch_op.drop_index(batch_op.f("ix_body_contribution_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_body_contribution_body_id"))

    op.drop_table("body_contribution")
    with op.batch_alter_table("join_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_request_user_id"))
        batch_op.drop_index(batch_op.f("ix_join_request_status"))
        batch_op.drop_index(batch_op.f("ix_join_request_organisation_id"))

    op.drop_table("join_request")
