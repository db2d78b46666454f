"""Helpers for evidence tests: what is stored on disk and in the database."""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from marketplace.audit.models import AuditEvent
from marketplace.directory.models import EvidenceDocument
from marketplace.extensions import db


def stored_files() -> list[str]:
    folder = Path(current_app.config["UPLOAD_DIR"])
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def document_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceDocument))


def audit_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def upload(data: bytes, filename: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), filename


def date_parts(value) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def file_storage(data: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type="application/octet-stream")
