"""Migrations build the same schema as the models, keep the audit triggers, and can be rolled back."""

from __future__ import annotations

import logging
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from marketplace import create_app
from marketplace.extensions import db


@pytest.fixture
def keep_logging():
    """Alembic's env.py applies alembic.ini's logging config, which disables existing loggers; undo that."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (logger.disabled, logger.level, list(logger.handlers))
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, (disabled, level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.disabled, logger.level, logger.handlers[:] = disabled, level, handlers


@pytest.fixture
def migrated_app(tmp_path, keep_logging):
    """An app on an empty SQLite file, upgraded to the latest revision with ``flask db upgrade``."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.db'}")
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_upgrade_runs_without_deprecation_warnings(tmp_path, keep_logging):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'strict.db'}")
    with app.app_context():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            upgrade()
        assert "audit_event" in _tables()
        db.engine.dispose()


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
        triggers = set(
            connection.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'")
            )
        )

    assert triggers == {"audit_event_no_update", "audit_event_no_delete"}


def test_the_migrated_audit_table_refuses_deletes(migrated_app):
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (occurred_at, actor_email, action, object_type, object_id, "
                "summary, ip_address) VALUES ('2026-01-01 00:00:00', '', 'test', '', '', '', '')"
            )
        )

    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event"))

    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM audit_event")) == 1


def test_downgrade_to_base_removes_the_tables(migrated_app):
    downgrade(revision="base")

    assert _tables() <= {"alembic_version"}
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")) == 0


def test_upgrade_after_downgrade_rebuilds_the_schema(migrated_app):
    downgrade(revision="base")
    upgrade()

    assert set(db.metadata.tables) <= _tables()
