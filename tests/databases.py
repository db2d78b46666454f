"""Test databases on SQLite or PostgreSQL.

The suite runs on SQLite unless ``TEST_DATABASE_URL`` names a PostgreSQL server (``scripts/with_postgres.sh`` starts
a throwaway one and sets it). On PostgreSQL the schema is built by the migrations (``flask db upgrade``) into a
template database once per run, and each test gets its own ``CREATE DATABASE … TEMPLATE`` copy, dropped afterwards.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.engine import URL, Engine, make_url

from marketplace import create_app
from marketplace.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = bool(TEST_DATABASE_URL) and make_url(TEST_DATABASE_URL).get_backend_name() == "postgresql"


@contextmanager
def preserved_logging() -> Iterator[None]:
    """Alembic's env.py applies alembic.ini's logging config, which resets the root logger; undo that."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (logger.disabled, logger.level, list(logger.handlers))
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        for name, (disabled, level, handlers) in saved.items():
            logger = logging.getLogger(name)
            logger.disabled, logger.level, logger.handlers[:] = disabled, level, handlers


def migrate_to_head(url: str, then: Callable[[], object] | None = None) -> None:
    """Run the migrations (as ``flask db upgrade`` does) on the database at ``url``, then ``then()`` if given."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        with preserved_logging():
            upgrade()
        if then is not None:
            then()
        db.session.remove()
        db.engine.dispose()


class PostgresServer:
    """Creates and drops databases on the server named by ``TEST_DATABASE_URL``."""

    def __init__(self, url: str = TEST_DATABASE_URL) -> None:
        self.url: URL = make_url(url)
        self._admin: Engine | None = None

    @property
    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        return self._admin

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, prefix: str, template: str | None = None) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        statement = f'CREATE DATABASE "{name}"'
        if template:
            # FILE_COPY copies the template's files directly: much faster than WAL_LOG for a small database.
            statement += f' TEMPLATE "{template}" STRATEGY FILE_COPY'
        with self.admin.connect() as connection:
            connection.exec_driver_sql(statement)
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextmanager
    def database(self, prefix: str, template: str | None = None) -> Iterator[str]:
        """A new database (a copy of ``template`` if given), dropped afterwards; yields its name."""
        name = self.create(prefix, template)
        try:
            yield name
        finally:
            self.drop(name)


class TemplateCopies:
    """Copies of a template database, made ahead by a background thread so a test does not wait for one.

    ``CREATE DATABASE … TEMPLATE`` takes about 0.3 s, mostly waiting on the server; making the next copy while the
    current test runs hides that wait. Each copy is used by one test and dropped afterwards, by another thread.
    """

    def __init__(self, server: PostgresServer, template: str, ahead: int = 2) -> None:
        self.server = server
        self.template = template
        self._ready: queue.Queue[str | BaseException] = queue.Queue(maxsize=ahead)
        self._used: queue.Queue[str | None] = queue.Queue()
        self._drop_errors: list[Exception] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._make_copies, name="test-database-copies", daemon=True)
        self._thread.start()
        self._dropper = threading.Thread(target=self._drop_used, name="test-database-drops", daemon=True)
        self._dropper.start()

    def _drop_used(self) -> None:
        """Drop each used copy while the next test runs (a drop takes about 0.1 s, mostly waiting on the server)."""
        while (name := self._used.get()) is not None:
            try:
                self.server.drop(name)
            except Exception as error:  # raised by close(), at the end of the run
                self._drop_errors.append(error)

    def _make_copies(self) -> None:
        while not self._stop.is_set():
            try:
                item: str | BaseException = self.server.create("test", template=self.template)
            except BaseException as error:  # handed to the test that asks for the next copy
                item = error
            while not self._stop.is_set():
                try:
                    self._ready.put(item, timeout=0.2)
                    break
                except queue.Full:
                    continue
            else:
                if isinstance(item, str):
                    self.server.drop(item)

    @contextmanager
    def database(self) -> Iterator[str]:
        """A fresh copy of the template for one test; yields its URL and drops the database afterwards."""
        item = self._ready.get(timeout=120)
        if isinstance(item, BaseException):
            raise item
        try:
            yield self.server.url_for(item)
        finally:
            self._used.put(item)  # the test's connections are closed: dropped in the background

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        self._used.put(None)
        self._dropper.join(timeout=120)
        while not self._ready.empty():
            item = self._ready.get_nowait()
            if isinstance(item, str):
                self.server.drop(item)
        if self._drop_errors:
            raise self._drop_errors[0]


_server: PostgresServer | None = None


def postgres_server() -> PostgresServer:
    global _server
    if _server is None:
        _server = PostgresServer()
    return _server


@contextmanager
def copy_of(template: Path | str | TemplateCopies, folder: Path, name: str = "test") -> Iterator[str]:
    """A database of one's own, copied from ``template`` (a SQLite file, a PostgreSQL database or its copies)."""
    if isinstance(template, TemplateCopies):
        with template.database() as url:
            yield url
        return
    if ON_POSTGRES:
        server = postgres_server()
        with server.database(name, template=str(template)) as copy:
            yield server.url_for(copy)
        return
    database = folder / f"{name}.db"
    shutil.copy(template, database)
    yield f"sqlite:///{database}"


@contextmanager
def migrated_template(folder: Path) -> Iterator[Path | str]:
    """An empty database built by the migrations, to copy with ``copy_of``: a SQLite file or a database name."""
    if not ON_POSTGRES:
        path = folder / "migrated.db"
        migrate_to_head(f"sqlite:///{path}")
        yield path
        return
    server = postgres_server()
    with server.database("test_migrated") as name:
        migrate_to_head(server.url_for(name))
        yield name


@contextmanager
def empty_database(folder: Path) -> Iterator[str]:
    """A database with no tables (a SQLite file in ``folder``, or a new PostgreSQL database); yields its URL."""
    if not ON_POSTGRES:
        yield f"sqlite:///{folder / f'empty-{uuid.uuid4().hex[:8]}.db'}"
        return
    server = postgres_server()
    with server.database("test_empty") as name:
        yield server.url_for(name)


@contextmanager
def fresh_migrated_database(folder: Path) -> Iterator[str]:
    """An empty database migrated to the latest revision; yields its URL."""
    with empty_database(folder) as url:
        migrate_to_head(url)
        yield url
