"""Upload attacks beyond tests/directory/evidence/test_uploads.py (which covers HTML/SVG/executables renamed
.pdf, zip bombs, lying zips, empty and over-limit files, filename sanitising at the storage layer, and
tests/directory/evidence/test_downloads.py: attachment, nosniff, the sniffed type). Here: polyglots, hostile
filenames through the real form, a request over the size cap, and how a polyglot is served."""

from __future__ import annotations

import pytest

from marketplace.directory.models import EvidenceDocument
from marketplace.extensions import db
from tests.client import error_summary
from tests.directory.evidence import files
from tests.directory.evidence.test_uploads import NEW_IMPACT, impact_form
from tests.forms import upload
from tests.lookups import document_count, stored_files

UNSUPPORTED = "The selected file must be a PDF, DOCX, ODT, PNG or JPEG"
HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def provider_client(client):
    from tests import factories

    client.sign_in(factories.make_provider().email)
    return client


def _upload(client, data: bytes, filename: str):
    return client.submit(NEW_IMPACT, impact_form(upload(data, filename)), content_type="multipart/form-data")


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"\xef\xbb\xbf" + files.html(), "bom.pdf"),
        (b"   \n" + files.html(), "padded.pdf"),
        (HTML_PAYLOAD + files.pdf(), "html-then-pdf.pdf"),
        (b"GIF89a" + HTML_PAYLOAD, "gifar.png"),
        (b"<?xml version='1.0'?>" + files.svg(), "image.png"),
    ],
    ids=["html-with-bom", "html-after-spaces", "html-before-pdf", "gif-with-html", "svg-as-png"],
)
def test_html_in_disguise_is_refused_and_nothing_is_stored(provider_client, data, filename):
    response = _upload(provider_client, data, filename)

    assert response.status_code == 200
    assert UNSUPPORTED in error_summary(response)
    assert document_count() == 0 and stored_files() == []


def test_a_polyglot_that_really_is_a_pdf_is_served_only_as_a_pdf_attachment_named_pdf(provider_client):
    polyglot = files.pdf() + HTML_PAYLOAD  # valid PDF, with HTML a sniffing browser (or a desktop) might run

    assert _upload(provider_client, polyglot, "report.html").status_code == 302
    document = db.session.scalars(db.select(EvidenceDocument)).one()
    response = provider_client.get(f"/documents/{document.id}")

    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=report.html.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "filename",
    ["../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "policy\x00.html.pdf", "<img src=x onerror=alert(1)>.pdf"],
    ids=["unix-traversal", "windows-traversal", "null-byte", "markup"],
)
def test_hostile_filenames_through_the_form_are_stored_harmlessly(provider_client, filename):
    response = _upload(provider_client, files.pdf(), filename)

    assert response.status_code == 302
    document = db.session.scalars(db.select(EvidenceDocument)).one()
    assert "/" not in document.original_filename and "\\" not in document.original_filename
    assert "\x00" not in document.original_filename and "<" not in document.original_filename
    assert not document.original_filename.startswith(".") and document.original_filename.endswith(".pdf")
    assert stored_files() == [document.stored_name]
    disposition = provider_client.get(f"/documents/{document.id}").headers["Content-Disposition"]
    assert ".." not in disposition and "\x00" not in disposition


def test_a_request_over_the_size_cap_gets_413_and_nothing_is_stored(app, provider_client):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024

    response = _upload(provider_client, files.pdf() + b"0" * (128 * 1024), "huge.pdf")

    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)
    assert document_count() == 0 and stored_files() == []
