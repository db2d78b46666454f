"""monitoring: framework measure details and key actions; contracts, measures, returns, ratings, challenge, close-out

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-07 19:46:46.012375

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "framework_key_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["framework_theme.id"],
            name=op.f("fk_framework_key_action_theme_id_framework_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_key_action")),
    )
    with op.batch_alter_table("framework_key_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_framework_key_action_theme_id"), ["theme_id"], unique=False)

    with op.batch_alter_table("framework_measure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_officer", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("data_source", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("frequency", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("unit", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("direction", sa.String(length=10), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("baseline_value", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("baseline_period", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("baseline_state", sa.String(length=30), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("baseline_available_from", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("target_value", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("target_period", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("target_reference", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("target_state", sa.String(length=30), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("tolerance", sa.Double(), nullable=True))

    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("value_pence", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("reporting_frequency", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"], ["commissioning_body.id"], name=op.f("fk_contract_body_id_commissioning_body")
        ),
        sa.ForeignKeyConstraint(
            ["consortium_id"], ["consortium.id"], name=op.f("fk_contract_consortium_id_consortium")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["user.id"], name=op.f("fk_contract_manager_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["need_id"], ["need.id"], name=op.f("fk_contract_need_id_need"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_contract_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        sa.UniqueConstraint("need_id", name=op.f("uq_contract_need_id")),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_consortium_id"), ["consortium_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_status"), ["status"], unique=False)

    op.create_table(
        "challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("challenger_id", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["challenger_id"], ["user.id"], name=op.f("fk_challenge_challenger_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_challenge_contract_id_contract"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge")),
    )
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "close_out_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("targets_met", sa.Integer(), nullable=False),
        sa.Column("targets_total", sa.Integer(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("provider_consented_at", sa.DateTime(), nullable=True),
        sa.Column("consented_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consented_by_id"], ["user.id"], name=op.f("fk_close_out_review_consented_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_close_out_review_contract_id_contract"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user.id"], name=op.f("fk_close_out_review_reviewed_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_close_out_review")),
        sa.UniqueConstraint("contract_id", name=op.f("uq_close_out_review_contract_id")),
    )
    op.create_table(
        "performance_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_label", sa.String(length=40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("needs_help", sa.Boolean(), nullable=False),
        sa.Column("help_note", sa.Text(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["user.id"], name=op.f("fk_performance_return_accepted_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
            name=op.f("fk_performance_return_contract_id_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user.id"],
            name=op.f("fk_performance_return_submitted_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_performance_return")),
        sa.UniqueConstraint("contract_id", "period_start", "version", name=op.f("uq_performance_return_contract_id")),
    )
    with op.batch_alter_table("performance_return", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_performance_return_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_performance_return_period_start"), ["period_start"], unique=False)
        batch_op.create_index(batch_op.f("ix_performance_return_status"), ["status"], unique=False)

    op.create_table(
        "return_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_return_reminder_contract_id_contract"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_reminder")),
        sa.UniqueConstraint("contract_id", "period_start", "kind", name=op.f("uq_return_reminder_contract_id")),
    )
    with op.batch_alter_table("return_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_reminder_contract_id"), ["contract_id"], unique=False)

    op.create_table(
        "return_evidence",
        sa.Column("performance_return_id", sa.Integer(), nullable=False),
        sa.Column("impact_evidence_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["impact_evidence_id"],
            ["impact_evidence.id"],
            name=op.f("fk_return_evidence_impact_evidence_id_impact_evidence"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["performance_return_id"],
            ["performance_return.id"],
            name=op.f("fk_return_evidence_performance_return_id_performance_return"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("performance_return_id", "impact_evidence_id", name=op.f("pk_return_evidence")),
    )
    op.create_table(
        "contract_framework_outcome",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("framework_outcome_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contract.id"],
            name=op.f("fk_contract_framework_outcome_contract_id_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["framework_outcome_id"],
            ["framework_outcome.id"],
            name=op.f("fk_contract_framework_outcome_framework_outcome_id_framework_outcome"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contract_id", "framework_outcome_id", name=op.f("pk_contract_framework_outcome")),
    )
    op.create_table(
        "contract_measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("framework_measure_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("baseline_text", sa.String(length=300), nullable=False),
        sa.Column("target_text", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("baseline_value", sa.Double(), nullable=True),
        sa.Column("baseline_period", sa.String(length=40), nullable=False),
        sa.Column("baseline_state", sa.String(length=30), nullable=False),
        sa.Column("baseline_available_from", sa.String(length=40), nullable=False),
        sa.Column("target_value", sa.Double(), nullable=True),
        sa.Column("target_period", sa.String(length=40), nullable=False),
        sa.Column("target_reference", sa.String(length=200), nullable=False),
        sa.Column("target_state", sa.String(length=30), nullable=False),
        sa.Column("tolerance", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_contract_measure_contract_id_contract"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["framework_measure_id"],
            ["framework_measure.id"],
            name=op.f("fk_contract_measure_framework_measure_id_framework_measure"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_measure")),
    )
    with op.batch_alter_table("contract_measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_measure_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contract_measure_framework_measure_id"), ["framework_measure_id"], unique=False
        )

    op.create_table(
        "measure_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("computed", sa.String(length=20), nullable=False),
        sa.Column("override", sa.String(length=20), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("overridden_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["contract_measure.id"],
            name=op.f("fk_measure_rating_measure_id_contract_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["overridden_by_id"], ["user.id"], name=op.f("fk_measure_rating_overridden_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_rating")),
        sa.UniqueConstraint("measure_id", "period_start", name=op.f("uq_measure_rating_measure_id")),
    )
    with op.batch_alter_table("measure_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_rating_measure_id"), ["measure_id"], unique=False)

    op.create_table(
        "return_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("performance_return_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["contract_measure.id"],
            name=op.f("fk_return_value_measure_id_contract_measure"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["performance_return_id"],
            ["performance_return.id"],
            name=op.f("fk_return_value_performance_return_id_performance_return"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_value")),
        sa.UniqueConstraint("performance_return_id", "measure_id", name=op.f("uq_return_value_performance_return_id")),
    )
    with op.batch_alter_table("return_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_value_measure_id"), ["measure_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_return_value_performance_return_id"), ["performance_return_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("return_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_value_performance_return_id"))
        batch_op.drop_index(batch_op.f("ix_return_value_measure_id"))

    op.drop_table("return_value")
    with op.batch_alter_table("measure_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_rating_measure_id"))

    op.drop_table("measure_rating")
    with op.batch_alter_table("contract_measure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_measure_framework_measure_id"))
        batch_op.drop_index(batch_op.f("ix_contract_measure_contract_id"))

    op.drop_table("contract_measure")
    op.drop_table("contract_framework_outcome")
    op.drop_table("return_evidence")
    with op.batch_alter_table("return_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_reminder_contract_id"))

    op.drop_table("return_reminder")
    with op.batch_alter_table("performance_return", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_performance_return_status"))
        batch_op.drop_index(batch_op.f("ix_performance_return_period_start"))
        batch_op.drop_index(batch_op.f("ix_performance_return_contract_id"))

    op.drop_table("performance_return")
    op.drop_table("close_out_review")
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_contract_id"))

    op.drop_table("challenge")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_status"))
        batch_op.drop_index(batch_op.f("ix_contract_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_contract_consortium_id"))
        batch_op.drop_index(batch_op.f("ix_contract_body_id"))

    op.drop_table("contract")

    with op.batch_alter_table("framework_measure", schema=None) as batch_op:
        batch_op.drop_column("tolerance")
        batch_op.drop_column("target_state")
        batch_op.drop_column("target_reference")
        batch_op.drop_column("target_period")
        batch_op.drop_column("target_value")
        batch_op.drop_column("baseline_available_from")
        batch_op.drop_column("baseline_state")
        batch_op.drop_column("baseline_period")
        batch_op.drop_column("baseline_value")
        batch_op.drop_column("direction")
        batch_op.drop_column("unit")
        batch_op.drop_column("frequency")
        batch_op.drop_column("data_source")
        batch_op.drop_column("lead_officer")

    with op.batch_alter_table("framework_key_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_framework_key_action_theme_id"))

    op.drop_table("framework_key_action")
