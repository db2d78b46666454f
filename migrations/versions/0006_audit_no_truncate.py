"""audit: refuse TRUNCATE of audit_event on PostgreSQL

The row triggers of 0001 refuse UPDATE and DELETE; TRUNCATE fires no row trigger, so PostgreSQL needs a
statement trigger too. SQLite has no TRUNCATE.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 14:00:00

"""
from alembic import op

# Frozen copy of marketplace.audit.models.POSTGRES_TRUNCATE_TRIGGER.
POSTGRES_TRUNCATE_TRIGGER = (
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
)

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_TRUNCATE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
