"""Uploads: real documents are stored by content type with their SHA-256; malicious ones leave nothing behind."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy.exc import OperationalError

from marketplace.core.clock import today
from marketplace.directory.evidence import storage
from marketplace.directory.models import EvidenceDocument, ImpactEvidence
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests.client import error_summary
from tests.directory.evidence import files
from tests.forms import date_parts, file_storage, upload
from tests.lookups import audit_events, document_count, stored_files

NEW_IMPACT = "/provider/evidence/impact/new"


def impact_form(document: tuple | None = None, **overrides) -> dict:
    data = {
        "title": "Object handling with looked-after children",
        "kind": "case_study",
        "outcome_id": str(terms_by_code("ecm_outcome")["enjoy-and-achieve"].id),
        "result": "Attendance rose from 78% to 91%",
        "sample_size": "24",
        "period_start": date_parts(today() - timedelta(days=300)),
        "period_end": date_parts(today() - timedelta(days=30)),
    }
    if document is not None:
        data["document"] = document
    data.update(overrides)
    return data


@pytest.mark.parametrize("kind", sorted(files.GOOD_FILES))
def test_a_real_document_is_stored_under_a_random_name_with_its_sniffed_type_and_sha256(organisation, provider, kind):
    build, content_type = files.GOOD_FILES[kind]
    data = build()

    # The name and the declared type say otherwise: only the content counts.
    document = storage.store_upload(file_storage(data, f"Policy 2025.{kind}"), organisation, provider)

    assert document.content_type == content_type
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size_bytes == len(data)
    assert document.original_filename == f"Policy 2025.{kind}"
    assert len(document.stored_name) == 32 and "." not in document.stored_name
    stored = Path(current_app.config["UPLOAD_DIR"]) / document.stored_name
    assert stored.read_bytes() == data
    assert stored_files() == [document.stored_name]  # no temporary file left behind
    assert audit_events("evidence.document_uploaded")[0].after["sha256"] == document.sha256


def test_the_type_comes_from_the_content_not_the_extension(organisation, provider):
    document = storage.store_upload(file_storage(files.png(), "scan.pdf"), organisation, provider)

    assert document.content_type == "image/png"


def test_an_upload_through_the_form_is_stored_and_linked_to_its_record(provider_client, organisation):
    response = provider_client.submit(
        NEW_IMPACT, impact_form(upload(files.pdf(), "evaluation.pdf")), content_type="multipart/form-data"
    )

    assert response.status_code == 302
    evidence = db.session.scalars(db.select(ImpactEvidence)).one()
    assert evidence.document.original_filename == "evaluation.pdf"
    assert evidence.document.sha256 == hashlib.sha256(files.pdf()).hexdigest()
    assert stored_files() == [evidence.document.stored_name]


MALICIOUS = {
    "HTML renamed .pdf": (files.html, "report.pdf", "The selected file must be a PDF, DOCX, ODT, PNG or JPEG"),
    "SVG renamed .pdf": (files.svg, "logo.pdf", "The selected file must be a PDF, DOCX, ODT, PNG or JPEG"),
    "ELF executable renamed .pdf": (files.elf, "policy.pdf", "The selected file must be a PDF, DOCX, ODT, PNG or JPEG"),
    "MZ executable renamed .pdf": (files.mz, "policy.pdf", "The selected file must be a PDF, DOCX, ODT, PNG or JPEG"),
    "zip bomb .docx": (files.zip_bomb_docx, "policy.docx", storage.TOO_MUCH_CONTENT),
    "zip with lying sizes .docx": (files.lying_zip_docx, "policy.docx", "damaged"),
    "zip with too many entries .docx": (files.many_entries_docx, "policy.docx", storage.TOO_MUCH_CONTENT),
    "DOCX without word/document.xml": (files.docx_without_document, "policy.docx", "damaged"),
    "0 bytes": (lambda: b"", "empty.pdf", "The selected file is empty"),
    "not a zip at all .docx": (lambda: b"PK\x03\x04 broken", "policy.docx", "damaged"),
}


@pytest.mark.parametrize("case", sorted(MALICIOUS))
def test_a_malicious_upload_is_refused_with_a_message_and_nothing_is_stored(provider_client, case):
    build, filename, message = MALICIOUS[case]

    response = provider_client.submit(
        NEW_IMPACT, impact_form(upload(build(), filename)), content_type="multipart/form-data"
    )

    assert response.status_code == 200
    assert any(message in error for error in error_summary(response)), error_summary(response)
    assert document_count() == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(ImpactEvidence)) == 0
    assert stored_files() == []
    assert audit_events("evidence.document_uploaded") == []


def test_a_file_over_the_limit_is_refused_with_the_limit_in_the_message(app, provider_client):
    app.config["EVIDENCE_MAX_BYTES"] = 100

    response = provider_client.submit(
        NEW_IMPACT, impact_form(upload(files.pdf(), "big.pdf")), content_type="multipart/form-data"
    )

    assert "The selected file must be smaller than 1KB" in error_summary(response)
    assert document_count() == 0 and stored_files() == []


def test_the_default_limit_is_10mb(organisation, provider):
    data = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)

    with pytest.raises(storage.UploadError, match="The selected file must be smaller than 10MB"):
        storage.store_upload(file_storage(data, "huge.pdf"), organisation, provider)
    assert document_count() == 0 and stored_files() == []


def test_a_full_disk_gives_a_clear_error_and_leaves_no_row_or_file(provider_client, monkeypatch):
    def disk_full(handle, data):
        handle.write(data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "_write_bytes", disk_full)

    response = provider_client.submit(
        NEW_IMPACT, impact_form(upload(files.pdf(), "policy.pdf")), content_type="multipart/form-data"
    )

    assert response.status_code == 200
    assert storage.WRITE_FAILED in error_summary(response)
    assert document_count() == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(ImpactEvidence)) == 0
    assert stored_files() == []


def test_a_failed_commit_removes_the_file_already_written(organisation, provider, monkeypatch):
    def failing_commit():
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    monkeypatch.setattr(db.session, "commit", failing_commit)

    with pytest.raises(OperationalError):
        storage.store_upload(file_storage(files.pdf(), "policy.pdf"), organisation, provider)
    monkeypatch.undo()

    assert stored_files() == []
    assert document_count() == 0


def test_delete_document_removes_the_row_and_the_file_and_audits_the_sha256(organisation, provider):
    document = storage.store_upload(file_storage(files.pdf(), "policy.pdf"), organisation, provider)
    sha256 = document.sha256

    storage.delete_document(document, provider)

    assert document_count() == 0
    assert stored_files() == []
    event = audit_events("evidence.document_deleted")[0]
    assert event.before["sha256"] == sha256
    assert event.before["filename"] == "policy.pdf"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Policy.pdf", "Policy.pdf"),
        ('evil"name<script>.pdf', "evilnamescript.pdf"),
        ("line\r\nbreak.pdf", "linebreak.pdf"),
        ("...", "document"),
        ("", "document"),
        ("é" * 300 + ".pdf", "é" * 251 + ".pdf"),  # 255 characters, extension kept
    ],
)
def test_original_filenames_are_sanitised(given, expected):
    assert storage.sanitise_filename(given) == expected


def test_a_form_without_a_file_stores_no_document(provider_client):
    response = provider_client.submit(NEW_IMPACT, impact_form(), content_type="multipart/form-data")

    assert response.status_code == 302
    assert db.session.scalars(db.select(ImpactEvidence)).one().document is None
    assert db.session.scalar(db.select(db.func.count()).select_from(EvidenceDocument)) == 0
