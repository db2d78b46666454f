"""``flask backup create`` / ``flask backup restore``: a backup restored into a fresh database is the same data.

The source is built once per module from the test template (SQLite, or PostgreSQL in the PostgreSQL run) with the
demo data, uploaded evidence files and audit events; each target is a fresh copy of a database built by the migrations.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import stamp
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from marketplace import create_app
from marketplace.audit.services import record_event
from marketplace.backup.services import schema_revision
from marketplace.demo.services import load_demo
from marketplace.directory.evidence.storage import store_upload
from marketplace.directory.models import Organisation
from marketplace.extensions import db
from marketplace.reference.services import load_all
from tests import factories
from tests.databases import ON_POSTGRES, copy_of, migrate_to_head, migrated_template, preserved_logging
from tests.directory.evidence.files import pdf, png
from tests.forms import file_storage


def nothing() -> tuple[dict[str, list[tuple]], dict[str, bytes]]:
    """What an empty target holds: no rows, no upload files."""
    return {table.name: [] for table in db.metadata.sorted_tables}, {}


def table_rows() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (in the current app's database)."""
    rows = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(query)]
    return rows


def upload_files(app: Flask) -> dict[str, bytes]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def row_total() -> int:
    with db.engine.connect() as connection:
        return sum(connection.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables)


def app_on(url: str, folder: Path) -> Flask:
    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        UPLOAD_DIR=str(folder / "uploads"),
        SEARCH_INDEX_DIR=str(folder / "search_index"),
    )


@pytest.fixture(scope="module")
def source(template_database, tmp_path_factory) -> Iterator[Flask]:
    """Demo data (with its evidence PDFs), two more files and an audit event with JSON before/after; built once."""
    folder = tmp_path_factory.mktemp("source")
    with copy_of(template_database, folder, name="test_source") as url:
        source = app_on(url, folder)
        with source.app_context():
            load_demo(source.config["DEMO_PASSWORD"])
            organisation = db.session.scalar(select(Organisation).order_by(Organisation.id))
            store_upload(file_storage(pdf(), "policy.pdf"), organisation)
            store_upload(file_storage(png(), "photo.png"), organisation)
            record_event("backup.test", obj=organisation, summary="Before and after", before={"a": [1]}, after=None)
            db.session.commit()
            with db.engine.connect() as connection:
                revision = schema_revision(connection)
            if revision is None:  # the SQLite template is built from the models, which match the latest migration
                with preserved_logging():
                    stamp()
            db.session.remove()
        yield source
        with source.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def expected(source) -> tuple[dict[str, list[tuple]], dict[str, bytes]]:
    """The source's rows and upload files."""
    return contents(source)


@pytest.fixture(scope="module")
def pristine_archive(source, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "backup.tar.gz"
    with source.app_context():
        result = source.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    with source.app_context():
        files = sum(1 for path in Path(source.config["UPLOAD_DIR"]).rglob("*") if path.is_file())
    assert files > 2 and f"{files} uploaded files" in result.output  # the demo's evidence PDFs and the test's two
    return path


@pytest.fixture
def archive(pristine_archive, tmp_path) -> Path:
    """This test's copy of the backup (tests damage it)."""
    path = tmp_path / "backup.tar.gz"
    shutil.copy(pristine_archive, path)
    return path


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Iterator[Path | str]:
    with migrated_template(tmp_path_factory.mktemp("migrated")) as template:
        yield template


@pytest.fixture
def target(migrated, tmp_path) -> Iterator[Flask]:
    """A fresh app on a new database built by the migrations, with its own empty upload folder."""
    with copy_of(migrated, tmp_path, name="test_target") as url:
        target = app_on(url, tmp_path / "target")
        yield target
        with target.app_context():
            db.engine.dispose()


def restore(app: Flask, path: Path, *options: str):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["backup", "restore", str(path), *options])


def contents(app: Flask) -> tuple[dict[str, list[tuple]], dict[str, bytes]]:
    with app.app_context():
        return table_rows(), upload_files(app)


def rewrite(path: Path, change: Callable[[dict[str, bytes]], None], *, refresh_manifest: bool = True) -> None:
    """Change an archive's files; with ``refresh_manifest`` the checksums and row counts are made to match again."""
    with tarfile.open(path, "r:gz") as archive:
        files = {member.name: archive.extractfile(member).read() for member in archive.getmembers()}
    change(files)
    if refresh_manifest:
        manifest = json.loads(files["manifest.json"])
        for table in manifest["tables"]:
            data = files[f"tables/{table['name']}.jsonl"]
            table["sha256"], table["rows"] = hashlib.sha256(data).hexdigest(), data.count(b"\n")
        files["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_a_backup_restored_into_a_fresh_database_matches_row_by_row_and_file_by_file(expected, archive, target):
    expected_rows, expected_files = expected

    result = restore(target, archive)

    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and f"{len(expected_files)} uploaded files" in result.output
    assert "Rebuilt the search index" in result.output
    restored_rows, restored_files = contents(target)
    # The restore's own rebuild registers the restored host as a follower of the change feed: host bookkeeping
    # of the derived index, not restored data.
    assert {name: rows for name, rows in restored_rows.items() if name != "index_follower"} == {
        name: rows for name, rows in expected_rows.items() if name != "index_follower"
    }
    assert len(restored_rows["index_follower"]) == 1  # this host, once
    assert restored_files == expected_files
    assert len(expected_files) > 2  # the demo's evidence PDFs and the test's two files
    assert all(expected_rows[name] for name in ("organisation", "user", "offer", "need", "audit_event", "locality"))


def test_a_backup_restores_into_sqlite_whatever_database_it_came_from(expected, archive, tmp_path):
    """The format is portable: in the PostgreSQL run this restores a PostgreSQL backup into SQLite."""
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    migrate_to_head(url)
    target = app_on(url, tmp_path / "sqlite")

    result = restore(target, archive, "--no-search-rebuild")

    assert result.exit_code == 0, result.output
    assert contents(target) == expected
    with target.app_context():
        db.engine.dispose()


def test_new_rows_after_a_restore_get_new_ids(source, archive, target):
    with source.app_context():
        largest = db.session.scalar(select(func.max(Organisation.id)))

    assert restore(target, archive).exit_code == 0
    with target.app_context():
        organisation = factories.make_organisation("Opened After The Restore")
        db.session.commit()
        assert organisation.id > largest


def test_the_manifest_records_the_schema_revision_row_counts_and_checksums(source, expected, archive):
    with tarfile.open(archive, "r:gz") as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
        names = opened.getnames()

    with source.app_context(), db.engine.connect() as connection:
        assert manifest["alembic_revision"] == schema_revision(connection)
    counts = {table["name"]: table["rows"] for table in manifest["tables"]}
    assert counts == {name: len(rows) for name, rows in expected[0].items()}
    assert [table["name"] for table in manifest["tables"]] == [table.name for table in db.metadata.sorted_tables]
    assert names[0] == "manifest.json"
    assert {f"uploads/{upload['path']}" for upload in manifest["uploads"]} <= set(names)


def test_restoring_into_a_database_that_holds_data_is_refused(source, expected, archive):
    result = restore(source, archive)

    assert result.exit_code == 1
    assert "The database is not empty" in result.output and "--force" in result.output
    assert "Nothing was restored" in result.output
    assert contents(source) == expected


def test_force_replaces_everything_including_the_append_only_audit_log(expected, archive, target):
    with target.app_context():
        load_all()
        factories.make_organisation("Already Here")
        record_event("target.only", summary="An event the restore replaces")
        db.session.commit()

    result = restore(target, archive, "--force", "--no-search-rebuild")

    assert result.exit_code == 0, result.output
    assert "flask search rebuild" in result.output
    assert contents(target) == expected
    refused = ["DELETE FROM audit_event", *(["TRUNCATE audit_event"] if ON_POSTGRES else [])]
    for statement in refused:  # the append-only triggers are back in force
        with target.app_context(), db.engine.begin() as connection, pytest.raises(DatabaseError, match="append-only"):
            connection.execute(text(statement))


def test_a_backup_from_another_schema_revision_is_refused(archive, target):
    def other_revision(files: dict[str, bytes]) -> None:
        manifest = json.loads(files["manifest.json"])
        manifest["alembic_revision"] = "0000"
        files["manifest.json"] = json.dumps(manifest).encode()

    rewrite(archive, other_revision)

    result = restore(target, archive)

    assert result.exit_code == 1
    assert "The backup is from schema revision 0000; this database is at" in result.output
    with target.app_context():
        assert row_total() == 0


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _not_gzip(path: Path) -> None:
    path.write_text("organisation,name\n1,Derby Museums\n")


def _edit_a_row(path: Path) -> None:
    def change(files: dict[str, bytes]) -> None:
        files["tables/organisation.jsonl"] = files["tables/organisation.jsonl"].replace(b"Derby", b"Dorby", 1)

    rewrite(path, change, refresh_manifest=False)


def _drop_a_file(path: Path) -> None:
    rewrite(path, lambda files: files.pop("tables/user.jsonl"), refresh_manifest=False)


def _no_manifest(path: Path) -> None:
    rewrite(path, lambda files: files.pop("manifest.json"), refresh_manifest=False)


def _extra_entry(path: Path) -> None:
    rewrite(path, lambda files: files.update({"../../etc/cron.d/evil": b"x"}), refresh_manifest=False)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_truncate, "The archive is damaged"),
        (_not_gzip, "is not a readable backup archive"),
        (_edit_a_row, "tables/organisation.jsonl does not match its checksum"),
        (_drop_a_file, "tables/user.jsonl is missing"),
        (_no_manifest, "has no manifest.json"),
        (_extra_entry, "unexpected entry: ../../etc/cron.d/evil"),
    ],
)
def test_a_damaged_archive_is_refused_and_nothing_is_restored(archive, target, damage, message):
    damage(archive)

    result = restore(target, archive)

    assert result.exit_code == 1
    assert message in result.output
    assert contents(target) == nothing()


def test_a_row_the_database_refuses_rolls_back_the_whole_restore(archive, target):
    def dangling_reference(files: dict[str, bytes]) -> None:
        lines = files["tables/offer.jsonl"].splitlines(keepends=True)
        row = json.loads(lines[-1])
        row["organisation_id"] = 999_999
        lines[-1] = (json.dumps(row) + "\n").encode()
        files["tables/offer.jsonl"] = b"".join(lines)

    rewrite(archive, dangling_reference)

    result = restore(target, archive)

    assert result.exit_code == 1
    assert "The database refused the backup's data" in result.output
    assert contents(target) == nothing()


def test_a_restore_into_a_database_without_a_schema_asks_for_a_migration(archive, tmp_path):
    empty = app_on(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "empty")

    result = restore(empty, archive)

    assert result.exit_code == 1
    assert "run `flask db upgrade` first" in result.output


def test_a_backup_of_an_unmigrated_database_is_refused(app, tmp_path):
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "backup.tar.gz")])

    assert result.exit_code == 1
    assert "This database has no schema revision" in result.output
    assert not (tmp_path / "backup.tar.gz").exists()
