"""Migrations build the same schema as the models, keep the audit triggers, and can be rolled back.

They run on SQLite, and on PostgreSQL when ``TEST_DATABASE_URL`` names a server (``make test`` does both).
"""

from __future__ import annotations

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from marketplace import create_app
from marketplace.extensions import db
from tests.databases import ON_POSTGRES, empty_database, preserved_logging

# PostgreSQL: a row trigger (BEFORE UPDATE OR DELETE) and a statement trigger (BEFORE TRUNCATE) calling one function;
# SQLite: one trigger per statement.
EXPECTED_TRIGGERS = (
    {"audit_event_no_update", "audit_event_no_truncate"}
    if ON_POSTGRES
    else {"audit_event_no_update", "audit_event_no_delete"}
)
TRIGGERS_SQL = (
    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = 'audit_event'::regclass"
    if ON_POSTGRES
    else "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
)
ALL_TRIGGERS_COUNT_SQL = (
    "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
    if ON_POSTGRES
    else "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
)


@pytest.fixture
def keep_logging():
    with preserved_logging():
        yield


@pytest.fixture
def empty_app(tmp_path, keep_logging):
    """An app on an empty database (SQLite file or a new PostgreSQL database)."""
    with empty_database(tmp_path) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def migrated_app(empty_app):
    """The empty database upgraded to the latest revision with ``flask db upgrade``."""
    upgrade()
    return empty_app


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_the_suite_runs_on_the_database_it_was_given(empty_app):
    assert db.engine.dialect.name == ("postgresql" if ON_POSTGRES else "sqlite")


def test_upgrade_runs_without_deprecation_warnings(empty_app):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        upgrade()

    assert "audit_event" in _tables()


def test_upgrade_builds_every_table_the_models_define(migrated_app):
    assert set(db.metadata.tables) <= _tables()
    assert "alembic_version" in _tables()


def test_models_and_migrations_agree(migrated_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_upgrade_creates_the_audit_append_only_triggers(migrated_app):
    with db.engine.connect() as connection:
        triggers = set(connection.scalars(text(TRIGGERS_SQL)))

    assert triggers == EXPECTED_TRIGGERS


def test_the_migrated_audit_table_refuses_updates_and_deletes(migrated_app):
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (occurred_at, actor_email, action, object_type, object_id, "
                "summary, ip_address) VALUES ('2026-01-01 00:00:00', '', 'test', '', '', '', '')"
            )
        )

    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET summary = 'changed'"))
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event"))
    if ON_POSTGRES:  # SQLite has no TRUNCATE; on PostgreSQL it fires no row trigger, so 0006 adds a statement one
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_event"))

    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*), max(summary) FROM audit_event")).one() == (1, "")


def test_downgrade_to_base_removes_the_tables_and_triggers(migrated_app):
    downgrade(revision="base")

    assert _tables() <= {"alembic_version"}
    with db.engine.connect() as connection:
        assert connection.scalar(text(ALL_TRIGGERS_COUNT_SQL)) == 0
        if ON_POSTGRES:
            functions = "SELECT count(*) FROM pg_proc WHERE proname = 'audit_event_append_only'"
            assert connection.scalar(text(functions)) == 0


def test_upgrade_after_downgrade_rebuilds_the_schema(migrated_app):
    downgrade(revision="base")
    upgrade()

    assert set(db.metadata.tables) <= _tables()
    with db.engine.connect() as connection:
        assert set(connection.scalars(text(TRIGGERS_SQL))) == EXPECTED_TRIGGERS
