"""problem areas on organisations and needs (teenage pregnancy, NEET, obesity, emotional health …)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 23:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = (("organisation_problem_area", "organisation_id", "organisation"), ("need_problem_area", "need_id", "need"))


def upgrade():
    for table, owner_column, owner_table in TABLES:
        op.create_table(
            table,
            sa.Column(owner_column, sa.Integer(), nullable=False),
            sa.Column("term_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                [owner_column],
                [f"{owner_table}.id"],
                name=op.f(f"fk_{table}_{owner_column}_{owner_table}"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["term_id"], ["term.id"], name=op.f(f"fk_{table}_term_id_term"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint(owner_column, "term_id", name=op.f(f"pk_{table}")),
        )


def downgrade():
    for table, _, _ in reversed(TABLES):
        op.drop_table(table)
