"""responses: one live response per organisation (or consortium) per need, enforced by partial unique indexes

Concurrent "respond" posts could each pass the service's check and all be saved. The indexes make the database
refuse the second one. Duplicates already saved by that race are resolved first: the earliest live response of
each organisation (or consortium) for a need stays; later ones are marked withdrawn (nothing is deleted).
user.email was already unique (0001).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 20:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Frozen copies of marketplace.commissioning.models.LIVE_*_RESPONSE.
LIVE_ORGANISATION = "consortium_id IS NULL AND status <> 'withdrawn'"
LIVE_CONSORTIUM = "consortium_id IS NOT NULL AND status <> 'withdrawn'"
WITHDRAW_LATER_DUPLICATES = """
UPDATE response SET status = 'withdrawn', withdrawn_at = CURRENT_TIMESTAMP
WHERE status <> 'withdrawn' AND EXISTS (
    SELECT 1 FROM response AS earlier
    WHERE earlier.need_id = response.need_id AND earlier.status <> 'withdrawn' AND earlier.id < response.id
      AND ({match})
)
"""
SAME_ORGANISATION = (
    "response.consortium_id IS NULL AND earlier.consortium_id IS NULL "
    "AND earlier.organisation_id = response.organisation_id"
)
SAME_CONSORTIUM = "response.consortium_id IS NOT NULL AND earlier.consortium_id = response.consortium_id"


def upgrade():
    for match in (SAME_ORGANISATION, SAME_CONSORTIUM):
        op.execute(WITHDRAW_LATER_DUPLICATES.format(match=match))
    for name, column, where in (
        ("uq_response_live_organisation", "organisation_id", LIVE_ORGANISATION),
        ("uq_response_live_consortium", "consortium_id", LIVE_CONSORTIUM),
    ):
        op.create_index(
            name,
            "response",
            ["need_id", column],
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade():
    op.drop_index("uq_response_live_consortium", table_name="response")
    op.drop_index("uq_response_live_organisation", table_name="response")
