"""Back up the database and the uploaded files to one portable archive; restore it into a fresh database.

The archive (see ``archive.py``) holds every table as JSON lines, so a backup taken on SQLite restores on PostgreSQL
and the other way round. Restoring:

- checks the whole archive (checksums, row counts) before touching anything;
- refuses an archive from another schema revision, and a database that already holds data unless ``force``
  (which replaces everything, the append-only audit log included: the archive's log takes its place);
- inserts every row with its original id, parents before children, in one transaction: an error leaves the
  database as it was;
- moves the uploaded files into ``UPLOAD_DIR`` only after that transaction has committed;
- sets PostgreSQL's id sequences past the restored ids, so new rows do not collide with them.

Rows are written with SQLAlchemy Core, never the ORM: no search sync, no audit guard, no defaults applied.
"""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Column, Connection, Integer, Table, bindparam, insert, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from marketplace.backup.archive import (
    BackupArchive,
    BackupError,
    Manifest,
    TableEntry,
    UploadEntry,
    hash_file,
    write_archive,
)
from marketplace.core.clock import utcnow
from marketplace.extensions import db

BATCH = 500
SUPPORTED_DIALECTS = {"sqlite", "postgresql"}


@dataclass
class RestoreReport:
    revision: str
    tables: int
    rows: int
    files: int


def _tables() -> list[Table]:
    """Every table the models define, parents before children."""
    return list(db.metadata.sorted_tables)


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at (None if it was never migrated)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    revisions = sorted(connection.scalars(text("SELECT version_num FROM alembic_version")))
    return ",".join(revisions) or None


# -- values to and from JSON ------------------------------------------------------------------------------------


def _python_type(column: Column) -> type | None:
    if isinstance(column.type, JSON):
        return None  # stored as JSON already
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _encoder(column: Column) -> Callable[[Any], Any]:
    kind = _python_type(column)
    if kind in (datetime, date, time):
        return lambda value: value.isoformat()
    if kind is Decimal:
        return str
    if kind is bytes:
        return lambda value: base64.b64encode(value).decode("ascii")
    return lambda value: value


def _decoder(column: Column) -> Callable[[Any], Any]:
    kind = _python_type(column)
    if kind in (datetime, date, time):
        return kind.fromisoformat  # type: ignore[union-attr]
    if kind is Decimal:
        return Decimal
    if kind is bytes:
        return base64.b64decode
    return lambda value: value


# -- backing up ---------------------------------------------------------------------------------------------------


def _write_table(connection: Connection, table: Table, path: Path) -> TableEntry:
    encoders = {column.name: _encoder(column) for column in table.columns}
    rows = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        result = connection.execution_options(yield_per=1000).execute(
            select(table).order_by(*table.primary_key.columns)
        )
        for row in result.mappings():
            record = {name: None if value is None else encoders[name](value) for name, value in row.items()}
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            rows += 1
    sha256, _ = hash_file(path)
    return TableEntry(name=table.name, rows=rows, sha256=sha256)


def _upload_files(upload_dir: Path) -> list[UploadEntry]:
    """Regular files under UPLOAD_DIR, leaving out half-written temporary files (names starting with a dot)."""
    if not upload_dir.is_dir():
        return []
    entries = []
    for path in sorted(upload_dir.rglob("*")):
        relative = path.relative_to(upload_dir)
        if path.is_symlink() or not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        sha256, size = hash_file(path)
        entries.append(UploadEntry(path=relative.as_posix(), bytes=size, sha256=sha256))
    return entries


def create_backup(target: Path) -> Manifest:
    """Write a backup of the database and UPLOAD_DIR to ``target`` (replaced atomically if it exists)."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    with tempfile.TemporaryDirectory(prefix="marketplace-backup-") as scratch, db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # One snapshot for every table, so the archive is consistent while the app keeps writing.
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            if connection.dialect.name == "sqlite":
                # pysqlite starts no transaction for reads; an explicit one reads every table from one snapshot.
                connection.exec_driver_sql("BEGIN")
            revision = schema_revision(connection)
            if revision is None:
                raise BackupError("This database has no schema revision: run `flask db upgrade` first.")
            tables = [_write_table(connection, table, Path(scratch) / f"{table.name}.jsonl") for table in _tables()]
        manifest = Manifest(
            alembic_revision=revision,
            created_at=utcnow().replace(tzinfo=UTC).isoformat(timespec="seconds"),
            source_dialect=connection.dialect.name,
            tables=tables,
            uploads=_upload_files(upload_dir),
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
        try:
            write_archive(partial, manifest, Path(scratch), upload_dir)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# -- restoring ----------------------------------------------------------------------------------------------------


def _check_target(connection: Connection, manifest: Manifest, force: bool) -> None:
    if connection.dialect.name not in SUPPORTED_DIALECTS:
        raise BackupError(f"Restoring into {connection.dialect.name} is not supported.")
    revision = schema_revision(connection)
    if revision is None:
        raise BackupError("The target database has no schema: run `flask db upgrade` first, then restore.")
    if revision != manifest.alembic_revision:
        raise BackupError(
            f"The backup is from schema revision {manifest.alembic_revision}; this database is at {revision}. "
            "Restore into a database migrated to the backup's revision (`flask db upgrade "
            f"{manifest.alembic_revision}`), then upgrade it."
        )
    expected = {table.name for table in _tables()}
    archived = {table.name for table in manifest.tables}
    if archived != expected:
        differences = sorted(archived ^ expected)
        raise BackupError(f"The backup's tables do not match this database's: {', '.join(differences)}.")
    if not force:
        filled = [table.name for table in _tables() if connection.execute(select(table).limit(1)).first()]
        if filled:
            raise BackupError(
                f"The database is not empty ({', '.join(filled)} hold data). Restore into a fresh database, "
                "or use --force to replace everything in it."
            )


def _empty_everything(connection: Connection) -> None:
    """Delete every row, audit log included (its append-only triggers refuse row deletes, so work around them)."""
    tables = _tables()
    quote = connection.dialect.identifier_preparer.quote
    if connection.dialect.name == "postgresql":
        # Switch the triggers off (audit_event refuses TRUNCATE), empty every table, switch them on again: all of it
        # transactional in PostgreSQL, so a failed restore leaves the triggers as they were.
        triggers = connection.execute(
            text(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)"
            )
        ).all()
        for table_name, trigger in triggers:
            connection.exec_driver_sql(f"ALTER TABLE {quote(table_name)} DISABLE TRIGGER {quote(trigger)}")
        connection.exec_driver_sql(f"TRUNCATE {', '.join(quote(table.name) for table in tables)} RESTART IDENTITY")
        for table_name, trigger in triggers:
            connection.exec_driver_sql(f"ALTER TABLE {quote(table_name)} ENABLE TRIGGER {quote(trigger)}")
        return
    # SQLite: drop the triggers, delete, put the triggers back, all in one transaction. pysqlite begins a
    # transaction only before a data change, so make one first (or the DROP TRIGGER would commit on its own).
    connection.exec_driver_sql("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0")
    triggers = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    for name, _ in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {quote(name)}")
    for table in reversed(tables):
        connection.execute(table.delete())
    for _, sql in triggers:
        connection.exec_driver_sql(sql)


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order rows so a row referring to another row of the same table (e.g. a district's county) comes after it."""
    links = [
        (fk.parent.name, fk.column.name)
        for fk in table.foreign_keys
        if fk.column.table is table and fk.parent.name != fk.column.name
    ]
    if not links:
        return rows
    placed: dict[str, set[Any]] = {target: set() for _, target in links}
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        ready = [row for row in waiting if all(row[src] is None or row[src] in placed[dst] for src, dst in links)]
        if not ready:
            raise BackupError(f"The rows of {table.name} refer to each other in a loop, or to rows that are missing.")
        for row in ready:
            for target in placed:
                placed[target].add(row[target])
        ordered.extend(ready)
        ready_ids = {id(row) for row in ready}
        waiting = [row for row in waiting if id(row) not in ready_ids]
    return ordered


def _insert_statement(table: Table) -> tuple[Any, dict[str, str]]:
    """An INSERT for every column; nullable JSON columns write None as SQL NULL (not the JSON value null)."""
    renamed = {
        column.name: f"json_{column.name}"
        for column in table.columns
        if isinstance(column.type, JSON) and column.nullable
    }
    values = {name: bindparam(parameter, type_=JSON(none_as_null=True)) for name, parameter in renamed.items()}
    return insert(table).values(values) if values else insert(table), renamed


def _decoded_rows(archive: BackupArchive, entry: TableEntry, table: Table) -> Iterator[dict[str, Any]]:
    decoders = {column.name: _decoder(column) for column in table.columns}
    for record in archive.rows(entry):
        if set(record) != set(decoders):
            raise BackupError(f"A row of {table.name} does not have this database's columns.")
        yield {name: None if value is None else decoders[name](value) for name, value in record.items()}


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _insert_rows(connection: Connection, archive: BackupArchive) -> int:
    entries = {entry.name: entry for entry in archive.manifest.tables}
    total = 0
    for table in _tables():
        rows: Iterable[dict[str, Any]] = _decoded_rows(archive, entries[table.name], table)
        if any(fk.column.table is table for fk in table.foreign_keys):
            rows = _parents_first(table, list(rows))
        statement, renamed = _insert_statement(table)
        for batch in _batches(rows):
            if renamed:
                batch = [{renamed.get(name, name): value for name, value in row.items()} for row in batch]
            connection.execute(statement, batch)
            total += len(batch)
    return total


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: move each id sequence past the largest restored id (explicit ids do not advance it)."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    for table in _tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        sequence = connection.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": quote(table.name), "column": key[0].name},
        )
        if sequence:
            connection.execute(
                text(
                    # Not injectable (bandit B608): identifiers come from the metadata, quoted by the dialect.
                    f"SELECT setval(:sequence, COALESCE((SELECT max({quote(key[0].name)}) "  # nosec B608
                    f"FROM {quote(table.name)}), 0) + 1, false)"
                ),
                {"sequence": sequence},
            )


def _stage_uploads(archive: BackupArchive, upload_dir: Path) -> Path:
    """Unpack the uploads into a hidden folder inside UPLOAD_DIR (same file system, so moving them is a rename)."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    staging = upload_dir / f".restore-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    for upload in archive.manifest.uploads:
        archive.extract_upload(upload, staging / upload.path)
    return staging


def _move_uploads(staging: Path, uploads: list[UploadEntry], upload_dir: Path) -> None:
    for upload in uploads:
        target = upload_dir / upload.path
        target.parent.mkdir(parents=True, exist_ok=True)
        (staging / upload.path).replace(target)


def restore_backup(source: Path, *, force: bool = False) -> RestoreReport:
    """Restore ``source`` into this app's database and UPLOAD_DIR; all or nothing (see the module docstring)."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    staging: Path | None = None
    with BackupArchive.open_verified(source) as archive:
        manifest = archive.manifest
        try:
            with db.engine.begin() as connection:
                _check_target(connection, manifest, force)
                staging = _stage_uploads(archive, upload_dir)
                if force:
                    _empty_everything(connection)
                rows = _insert_rows(connection, archive)
                _reset_sequences(connection)
            _move_uploads(staging, manifest.uploads, upload_dir)
        except SQLAlchemyError as error:
            raise BackupError(f"The database refused the backup's data: {getattr(error, 'orig', error)}") from error
        except (ValueError, TypeError) as error:  # a value that does not decode as its column's type
            raise BackupError(f"The backup holds a value this database cannot take: {error}") from error
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    return RestoreReport(
        revision=manifest.alembic_revision, tables=len(manifest.tables), rows=rows, files=len(manifest.uploads)
    )
