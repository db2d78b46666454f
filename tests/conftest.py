"""A fresh app and database per test: the schema and reference data are built once, then copied per test.

On SQLite (the default) the template is a file built from the models; when ``TEST_DATABASE_URL`` names a PostgreSQL
server it is a template database built by the migrations (see tests/databases.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import time_machine
from flask import g

from marketplace import create_app
from marketplace.extensions import db, limiter
from marketplace.reference.services import (
    DATA_DIR,
    import_localities_csv,
    load_geography,
    load_outcodes,
    load_vocabularies,
)
from tests import databases
from tests.caches import share_compiled_templates, share_url_builders, stop_sharing_url_builders
from tests.client import FormClient
from tests.databases import ON_POSTGRES, TemplateCopies, copy_of, migrate_to_head, postgres_server
from tests.redis_server import redis_server

TRAVEL = pytest.StashKey[time_machine.travel]()
NO_TEST_DATABASE = "no_test_database"
# Browser, gunicorn, security probes, backups, the ORUK conformance walk, the matching evaluation, the demo loads.
SLOW = (
    "tests/browser/",
    "tests/ops/",
    "tests/security/",
    "tests/backup/",
    "tests/api/test_oruk_conformance.py",
    "tests/search/evaluation/",
    "tests/test_demo.py",
    "tests/test_demo_a_year_ahead.py",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD",
        help="run the tests as if today were this date (09:00 UTC, the clock ticking on): finds dates that rot",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Share URL builders between the run's apps (tests/caches.py); move the clock for the whole run (app, database
    defaults, live servers in threads) when --today is given."""
    share_url_builders()
    day = config.getoption("--today")
    if day:
        travel = time_machine.travel(datetime.combine(date.fromisoformat(day), time(9), tzinfo=UTC), tick=True)
        travel.start()
        config.stash[TRAVEL] = travel


def uses_test_database(item: pytest.Item) -> bool:
    """Whether the test runs on the database ``TEST_DATABASE_URL`` names: it uses the template (every per-test
    database is a copy of it) or its module builds databases itself with tests/databases.py."""
    if "template_database" in getattr(item, "fixturenames", ()):
        return True
    module = getattr(item, "module", None)
    if module is None:
        return True  # not a test function: kept
    names = vars(module).values()
    return databases in names or any(getattr(value, "__module__", None) == databases.__name__ for value in names)


@pytest.hookimpl(tryfirst=True)  # before -m selection
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that never touch the test database: the same on SQLite and PostgreSQL (pure functions,
    search engines, their own SQLite sites), so ``make test-postgres`` leaves them out (``-m "not no_test_database"``)
    instead of repeating the SQLite run.

    Mark the slow parts (``SLOW``: ``make check`` leaves them out) and run them first: with ``--dist loadscope`` each
    module goes whole to one worker (its module fixtures built once), and no long module is left to run alone at the
    end while the other worker idles."""
    for item in items:
        if not uses_test_database(item):
            item.add_marker(NO_TEST_DATABASE)
        if item.nodeid.startswith(SLOW):
            item.add_marker("slow")
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: modules stay in order


def pytest_unconfigure(config: pytest.Config) -> None:
    stop_sharing_url_builders()
    if TRAVEL in config.stash:
        config.stash[TRAVEL].stop()


def _load_reference_data() -> None:
    load_vocabularies()
    with (DATA_DIR / "localities.csv").open(encoding="utf-8", newline="") as handle:
        import_localities_csv(handle)
    load_outcodes()
    load_geography()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Iterator[Path | TemplateCopies]:
    if ON_POSTGRES:
        server = postgres_server()
        with server.database("test_template") as name:
            migrate_to_head(server.url_for(name), then=_load_reference_data)
            copies = TemplateCopies(server, name)
            try:
                yield copies
            finally:
                copies.close()
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        _load_reference_data()
        db.engine.dispose()
    yield path


@pytest.fixture
def database_url(template_database, tmp_path) -> Iterator[str]:
    """This test's own database: a copy of the template."""
    with copy_of(template_database, tmp_path) as url:
        yield url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(tmp_path / "uploads"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
    )
    share_compiled_templates(app)

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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A throwaway redis-server on a free loopback port for the whole run (see tests/redis_server.py)."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url
