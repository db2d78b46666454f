"""A fresh app and database per test: the schema and reference data are built once, then copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import g

from marketplace import create_app
from marketplace.extensions import db, limiter
from marketplace.reference.services import DATA_DIR, import_localities_csv, load_outcodes, load_vocabularies
from tests.helpers import FormClient


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        load_vocabularies()
        with (DATA_DIR / "localities.csv").open(encoding="utf-8", newline="") as handle:
            import_localities_csv(handle)
        load_outcodes()
        db.engine.dispose()
    return path


@pytest.fixture
def app(template_database, tmp_path):
    database = tmp_path / "test.db"
    shutil.copy(template_database, database)
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        UPLOAD_DIR=str(tmp_path / "uploads"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
    )

    # The test keeps one app context open (so it can use the database), and Flask reuses it for every request,
    # so ``g`` would outlive a request: Flask-Login caches the user there and Flask-WTF the CSRF token. Clearing
    # it after each request makes every request judged by its own cookies alone, as in production.
    @app.teardown_request
    def forget_request_globals(error: BaseException | None) -> None:
        for name in list(g):
            g.pop(name)

    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    limiter.reset()


@pytest.fixture
def client(app) -> FormClient:
    return FormClient(app.test_client())


@pytest.fixture
def outbox(app):
    """Emails handed to the (in-memory) sender."""
    return app.extensions["mail_sender"].sent
