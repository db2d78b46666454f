"""Evidence uploads: check a file by its content, store it outside the web root, and delete it again.

Only PDF, DOCX, ODT, PNG and JPEG files are accepted, recognised by their bytes (the ``filetype`` package),
never by their name or the type the browser declares. DOCX and ODT files are ZIP containers, so they are
opened and checked for zip bombs (too many entries, too much uncompressed data, extreme compression ratios,
sizes that lie) and for the entries that make them real documents.

Files are kept by an :class:`EvidenceStore` chosen with ``EVIDENCE_STORE``: ``local`` (the default,
:class:`LocalFolderStore`) writes them to ``UPLOAD_DIR`` under a random name with no extension, first to a
temporary file in the same folder, then renamed into place, so a half-written file never carries a real name. With
several app hosts ``UPLOAD_DIR`` is a shared volume, or ``EVIDENCE_STORE`` names another implementation
(``package.module:factory``, called with the app) such as an S3-compatible store; every implementation must pass
``tests/directory/evidence/test_store_contract.py``. The database row and the file succeed or fail together:
:class:`FileChanges` removes new files when the commit fails and removes deleted documents' files only once the
commit has succeeded.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import re
import secrets
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

import filetype
from flask import Flask, Response, abort, current_app, send_file

from marketplace.audit.services import record_event
from marketplace.directory.models import EvidenceDocument, Organisation
from marketplace.extensions import db

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
ALLOWED_TYPES = frozenset({PDF, DOCX, ODT, PNG, JPEG})
ZIP_TYPES = frozenset({DOCX, ODT, "application/zip"})

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Tiny entries (a few KB of XML) can legitimately compress very well; the ratio rule starts above this size.
RATIO_EXEMPT_BYTES = 64 * 1024
READ_CHUNK = 64 * 1024

EMPTY = "The selected file is empty"
WRONG_TYPE = "The selected file must be a PDF, DOCX, ODT, PNG or JPEG"
DAMAGED = "The selected file is damaged or is not a real {kind} document"
TOO_MUCH_CONTENT = (
    "The selected file cannot be checked safely because it unpacks to too much content. Save it as a PDF and try again"
)
WRITE_FAILED = "The selected file could not be saved. Try again later"
NO_FILE = "Select a file"


class UploadError(Exception):
    """An upload was refused (or could not be saved); ``message`` is shown to the user beside the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


class StoredNameError(ValueError):
    """A stored name that could leave the store (a path, ``..``, a hidden name): refused, never opened."""


def checked_name(name: str) -> str:
    """``name`` if it is a plain stored name (letters, digits, ``_`` and ``-``), else :class:`StoredNameError`."""
    if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
        raise StoredNameError(f"Not a stored evidence name: {name!r}")
    return name


class EvidenceStore(Protocol):
    """Where evidence files live. Names are chosen by the store; the database keeps them (``stored_name``).

    Failures to reach the storage raise ``OSError``; a name that is not a plain stored name raises
    :class:`StoredNameError` before anything is touched.
    """

    def save(self, data: bytes) -> str:
        """Store ``data`` under a new unguessable name and return it; a failed save leaves nothing behind."""

    def open(self, name: str) -> bytes:
        """The stored bytes; ``FileNotFoundError`` if there is no such file."""

    def size(self, name: str) -> int:
        """The stored size in bytes; ``FileNotFoundError`` if there is no such file."""

    def delete(self, name: str) -> None:
        """Remove the file; a missing file is not an error (deleting twice is fine)."""


class LocalFolderStore:
    """Files in one folder (``UPLOAD_DIR``), on local disk or a volume every host mounts."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, name: str) -> Path:
        return self.root / checked_name(name)

    def save(self, data: bytes) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        stored_name = secrets.token_hex(16)
        handle = tempfile.NamedTemporaryFile(dir=self.root, prefix=".upload-", delete=False)
        temporary = Path(handle.name)
        try:
            with handle:
                _write_bytes(handle, data)
            os.replace(temporary, self.root / stored_name)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return stored_name

    def open(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def size(self, name: str) -> int:
        return self.path(name).stat().st_size

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)


def _local_store(app: Flask) -> EvidenceStore:
    return LocalFolderStore(app.config["UPLOAD_DIR"])


def evidence_store(app: Flask | None = None) -> EvidenceStore:
    """The app's store, chosen by ``EVIDENCE_STORE``: ``local`` or ``package.module:factory`` (factory(app))."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    choice = str(app.config.get("EVIDENCE_STORE") or "local")
    key = (choice, str(app.config.get("UPLOAD_DIR")))
    stores = app.extensions.setdefault("evidence_stores", {})
    if key not in stores:
        if choice == "local":
            factory = _local_store
        elif ":" in choice:
            module, _, attribute = choice.partition(":")
            factory = getattr(importlib.import_module(module), attribute)
        else:
            raise RuntimeError(f"Unknown EVIDENCE_STORE {choice!r}: use local or package.module:factory")
        stores[key] = factory(app)
    return stores[key]


@dataclass
class FileChanges:
    """Files (stored names) created and deleted alongside a database change, committed (or undone) together."""

    created: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def discard(self) -> None:
        """Undo: roll the session back and remove the files written for it."""
        db.session.rollback()
        for name in self.created:
            evidence_store().delete(name)
        self.created.clear()
        self.deleted.clear()

    def commit(self) -> None:
        """Commit the session; on failure remove the files written for it, on success the files deleted by it."""
        try:
            db.session.commit()
        except BaseException:
            self.discard()
            raise
        for name in self.deleted:
            try:
                evidence_store().delete(name)
            except (OSError, StoredNameError):  # pragma: no cover - the row is gone; a stray file is logged
                current_app.logger.warning("Could not remove deleted evidence file %s", name)


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def document_path(document: EvidenceDocument) -> Path:
    """Where the local store keeps a document's file (backups and tests read the folder directly)."""
    return Path(current_app.config["UPLOAD_DIR"]) / document.stored_name


def read_document(document: EvidenceDocument) -> bytes | None:
    """The stored file's bytes, or None when the file is missing (never an error page)."""
    try:
        return evidence_store().open(document.stored_name)
    except (OSError, StoredNameError):
        current_app.logger.warning("Evidence file for document %s is missing", document.id)
        return None


def max_upload_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _size_text(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:g}MB"
    return f"{max(1, limit // 1024)}KB"


EXTENSIONS = {PDF: (".pdf",), DOCX: (".docx",), ODT: (".odt",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}


def download_name(document: EvidenceDocument) -> str:
    """The original name, with the extension of the sniffed type: a PDF named ``report.html`` downloads as
    ``report.html.pdf``, so a desktop never opens a polyglot as the HTML its name claims."""
    name = document.original_filename or "document"
    extensions = EXTENSIONS.get(document.content_type)
    if extensions and not name.lower().endswith(extensions):
        name = f"{name}{extensions[0]}"
    return name


def document_response(document: EvidenceDocument, *, as_attachment: bool = True) -> Response:
    """The stored file as a private, uncached, unsniffable response (404 if the file is missing).

    Served from memory (at most the upload limit), so no file handle outlives the request.
    """
    data = read_document(document)
    if data is None:
        abort(404)
    response = send_file(
        io.BytesIO(data),
        mimetype=document.content_type,
        as_attachment=as_attachment,
        download_name=download_name(document),
        etag=False,
    )
    response.content_length = len(data)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def sanitise_filename(name: str | None) -> str:
    """A display and download name: no folders, control characters or reserved characters; at most 255."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = re.sub(r'[<>:"|?*;]', "", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name:
        return "document"
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: 254 - len(extension)]}.{extension}"
        else:
            name = name[:255]
    return name


def _read_limited(stream: IO[bytes], limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes, so an oversized file is detected without reading all of it."""
    chunks, total = [], 0
    while total <= limit:
        chunk = stream.read(min(READ_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _check_zip_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Decompress one entry within ``budget`` bytes (declared sizes can lie); return the bytes it held."""
    ratio_cap = max(RATIO_EXEMPT_BYTES, info.compress_size * MAX_COMPRESSION_RATIO)
    total = 0
    with archive.open(info) as entry:
        while chunk := entry.read(READ_CHUNK):
            total += len(chunk)
            if total > budget or total > ratio_cap or total > info.file_size:
                raise UploadError(TOO_MUCH_CONTENT)
    return total


def _declared_sizes_are_safe(infos: list[zipfile.ZipInfo]) -> bool:
    if len(infos) > MAX_ZIP_ENTRIES:
        return False
    if sum(info.file_size for info in infos) > MAX_ZIP_UNCOMPRESSED:
        return False
    return all(
        info.file_size <= RATIO_EXEMPT_BYTES or info.file_size <= info.compress_size * MAX_COMPRESSION_RATIO
        for info in infos
    )


def _zip_document_type(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """Which document the container really is: DOCX needs word/document.xml, ODT an ODT mimetype entry."""
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        if archive.read("mimetype").strip() == ODT.encode():
            return ODT
    return None


def _check_zip_container(data: bytes, sniffed: str) -> str:
    """Refuse invalid containers and zip bombs; return the real document type (DOCX or ODT)."""
    kind = "ODT" if sniffed == ODT else "DOCX" if sniffed == DOCX else "Word or OpenDocument"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if not _declared_sizes_are_safe(infos):
                raise UploadError(TOO_MUCH_CONTENT)
            budget = MAX_ZIP_UNCOMPRESSED
            for info in infos:
                budget -= _check_zip_entry(archive, info, budget)
            real_type = _zip_document_type(archive, {info.filename for info in infos})
    except UploadError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        ValueError,
        NotImplementedError,
        KeyError,
    ) as error:
        raise UploadError(DAMAGED.format(kind=kind)) from error
    if real_type is None or (sniffed in (DOCX, ODT) and real_type != sniffed):
        raise UploadError(DAMAGED.format(kind=kind) if sniffed != "application/zip" else WRONG_TYPE)
    return real_type


def check_content(data: bytes) -> str:
    """Return the content type sniffed from ``data``, or raise :class:`UploadError` saying why it is refused."""
    if not data:
        raise UploadError(EMPTY)
    limit = max_upload_bytes()
    if len(data) > limit:
        raise UploadError(f"The selected file must be smaller than {_size_text(limit)}")
    kind = filetype.guess(data)
    sniffed = kind.mime if kind is not None else None
    if sniffed in ZIP_TYPES:
        return _check_zip_container(data, sniffed)
    if sniffed not in ALLOWED_TYPES:
        raise UploadError(WRONG_TYPE)
    return sniffed


def _write_bytes(handle: IO[bytes], data: bytes) -> None:
    handle.write(data)
    handle.flush()
    os.fsync(handle.fileno())


def _write_file(data: bytes) -> str:
    """Store ``data`` in the evidence store; return its stored name (or :class:`UploadError` if it failed)."""
    try:
        return evidence_store().save(data)
    except OSError as error:
        current_app.logger.error("Could not store an evidence upload: %s", error)
        raise UploadError(WRITE_FAILED) from error


def stage_upload(file_storage: Any, organisation: Organisation, user: Any, changes: FileChanges) -> EvidenceDocument:
    """Check and write an upload and add its row to the session (not committed: ``changes.commit()`` does)."""
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise UploadError(NO_FILE)
    data = _read_limited(file_storage.stream, max_upload_bytes())
    content_type = check_content(data)
    stored_name = _write_file(data)
    changes.created.append(stored_name)
    document = EvidenceDocument(
        organisation=organisation,
        original_filename=sanitise_filename(file_storage.filename),
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    db.session.add(document)
    db.session.flush()
    record_event(
        "evidence.document_uploaded",
        obj=document,
        actor=user,
        summary=f"Uploaded {document.original_filename} for {organisation.name}",
        after=document_fields(document),
    )
    return document


def stage_delete(document: EvidenceDocument, user: Any, changes: FileChanges) -> None:
    """Delete a document's row (audited) in the session; its file goes once ``changes.commit()`` succeeds."""
    record_event(
        "evidence.document_deleted",
        obj=document,
        actor=user,
        summary=f"Deleted {document.original_filename}",
        before=document_fields(document),
    )
    changes.deleted.append(document.stored_name)
    db.session.delete(document)


def document_fields(document: EvidenceDocument) -> dict[str, Any]:
    """What the audit log keeps about a document."""
    return {
        "document_id": document.id,
        "filename": document.original_filename,
        "content_type": document.content_type,
        "size_bytes": document.size_bytes,
        "sha256": document.sha256,
    }


def store_upload(file_storage: Any, organisation: Organisation, user: Any = None) -> EvidenceDocument:
    """Check, store and record an uploaded file for ``organisation``; raise :class:`UploadError` if refused.

    Nothing is stored when the file is refused; if the commit fails, the written file is removed.
    """
    changes = FileChanges()
    try:
        document = stage_upload(file_storage, organisation, user, changes)
    except BaseException:
        changes.discard()
        raise
    changes.commit()
    return document


def delete_document(document: EvidenceDocument, user: Any = None) -> None:
    """Delete a document's row and file, keeping an audit entry with its filename and SHA-256."""
    changes = FileChanges()
    stage_delete(document, user, changes)
    changes.commit()
