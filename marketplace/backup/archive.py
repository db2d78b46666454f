"""The backup archive format, independent of any database.

A backup is a gzipped tar file::

    manifest.json              format, version, created_at, alembic_revision, tables and uploads with checksums
    tables/<table>.jsonl       one JSON object per row, tables listed in foreign-key order
    uploads/<relative path>    the files under UPLOAD_DIR, byte for byte

Reading checks everything before anything is restored: the manifest, that each listed file is present with its
SHA-256 (and each table file with its row count), and that the archive holds nothing else and no unsafe paths.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "cultural-commissioning-marketplace-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, for the person running the command."""


@dataclass
class TableEntry:
    name: str
    rows: int
    sha256: str

    @property
    def member(self) -> str:
        return f"tables/{self.name}.jsonl"


@dataclass
class UploadEntry:
    path: str  # relative to UPLOAD_DIR, with "/" separators
    bytes: int
    sha256: str

    @property
    def member(self) -> str:
        return f"uploads/{self.path}"


@dataclass
class Manifest:
    alembic_revision: str
    created_at: str
    source_dialect: str
    tables: list[TableEntry] = field(default_factory=list)
    uploads: list[UploadEntry] = field(default_factory=list)
    format: str = FORMAT
    version: int = VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise BackupError("This file is not a marketplace backup (its manifest names another format).")
            if raw.get("version") != VERSION:
                raise BackupError(f"Backup format version {raw.get('version')} is not supported (expected {VERSION}).")
            return cls(
                alembic_revision=str(raw["alembic_revision"]),
                created_at=str(raw["created_at"]),
                source_dialect=str(raw["source_dialect"]),
                tables=[TableEntry(**entry) for entry in raw["tables"]],
                uploads=[UploadEntry(**entry) for entry in raw["uploads"]],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"The backup's manifest is unreadable ({error}).") from error

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables)


def _hash_stream(stream: IO[bytes]) -> tuple[str, int, int]:
    """SHA-256, size and number of lines of a stream."""
    digest, size, lines = hashlib.sha256(), 0, 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    return digest.hexdigest(), size, lines


def hash_file(path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        sha256, size, _ = _hash_stream(handle)
    return sha256, size


def _is_safe(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def write_archive(target: Path, manifest: Manifest, tables_dir: Path, upload_dir: Path) -> None:
    """Write the archive: the manifest first, then the table files and the uploads it lists."""
    manifest_bytes = manifest.to_json()
    with tarfile.open(target, "w:gz") as archive:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(manifest_bytes)
        info.mode = 0o644
        archive.addfile(info, io.BytesIO(manifest_bytes))
        for table in manifest.tables:
            archive.add(tables_dir / f"{table.name}.jsonl", arcname=table.member, recursive=False)
        for upload in manifest.uploads:
            archive.add(upload_dir / upload.path, arcname=upload.member, recursive=False)


class BackupArchive:
    """An archive opened for restoring: ``open_verified`` checks it in full first."""

    def __init__(self, archive: tarfile.TarFile, manifest: Manifest) -> None:
        self._archive = archive
        self.manifest = manifest

    @classmethod
    def open_verified(cls, path: Path) -> BackupArchive:
        if not path.is_file():
            raise BackupError(f"{path} does not exist.")
        try:
            archive = tarfile.open(path, "r:gz")
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise BackupError(f"{path} is not a readable backup archive ({error}).") from error
        try:
            opened = cls(archive, cls._read_manifest(archive))
            opened._verify()
        except BaseException:
            archive.close()
            raise
        return opened

    @staticmethod
    def _read_manifest(archive: tarfile.TarFile) -> Manifest:
        try:
            member = archive.getmember(MANIFEST)
            handle = archive.extractfile(member)
            if handle is None:
                raise BackupError("The backup's manifest is not a file.")
            return Manifest.from_json(handle.read())
        except KeyError as error:
            raise BackupError("The archive has no manifest.json: it is not a marketplace backup.") from error
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise BackupError(f"The archive is damaged ({error}).") from error

    def _verify(self) -> None:
        expected: dict[str, tuple[str, int | None]] = {MANIFEST: ("", None)}
        expected.update({table.member: (table.sha256, table.rows) for table in self.manifest.tables})
        expected.update({upload.member: (upload.sha256, None) for upload in self.manifest.uploads})
        try:
            members = {member.name: member for member in self._archive.getmembers()}
            for name, member in members.items():
                if name not in expected or not member.isfile() or not _is_safe(name):
                    raise BackupError(f"The archive holds an unexpected entry: {name}")
            for name, (sha256, rows) in expected.items():
                if name == MANIFEST:
                    continue
                if name not in members:
                    raise BackupError(f"The archive is incomplete: {name} is missing.")
                self._check_member(members[name], sha256, rows)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise BackupError(f"The archive is damaged ({error}).") from error

    def _check_member(self, member: tarfile.TarInfo, sha256: str, rows: int | None) -> None:
        handle = self._archive.extractfile(member)
        assert handle is not None  # a regular file, checked above
        actual, _, lines = _hash_stream(handle)
        if actual != sha256:
            raise BackupError(f"The archive is damaged: {member.name} does not match its checksum.")
        if rows is not None and lines != rows:
            raise BackupError(f"The archive is damaged: {member.name} has {lines} rows, the manifest says {rows}.")

    def rows(self, table: TableEntry) -> Iterator[dict[str, Any]]:
        handle = self._archive.extractfile(table.member)
        assert handle is not None
        for line in handle:
            yield json.loads(line)

    def extract_upload(self, upload: UploadEntry, target: Path) -> None:
        handle = self._archive.extractfile(upload.member)
        assert handle is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            while chunk := handle.read(CHUNK):
                out.write(chunk)

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> BackupArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
