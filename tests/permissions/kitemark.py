"""Kitemark routes: providers' own kitemark page, assessors' queue and reviews, the public kitemarked list."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.directory.models import EvidenceDocument
from marketplace.extensions import db
from marketplace.kitemark.checklist import document_entry
from marketplace.kitemark.models import KitemarkApplication
from tests.permissions.roles import everyone, only

PROVIDERS = ("provider_a", "provider_b")
ASSESSOR_POST = only("assessor", status=400)  # the walk sends no CSRF token

EXPECTED: dict[tuple[str, str], dict[str, int]] = {
    ("kitemark.provider_page", "GET"): only(*PROVIDERS),
    ("kitemark.apply", "POST"): only(*PROVIDERS, status=400),
    ("kitemark.resubmit", "POST"): only(*PROVIDERS, status=400),
    ("kitemark.queue", "GET"): only("assessor"),
    ("kitemark.application", "GET"): only("assessor"),
    ("kitemark.assign", "POST"): ASSESSOR_POST,
    ("kitemark.conflict", "POST"): ASSESSOR_POST,
    ("kitemark.decide", "POST"): ASSESSOR_POST,
    ("kitemark.take_and_decide", "POST"): ASSESSOR_POST,
    ("kitemark.take", "POST"): ASSESSOR_POST,
    ("kitemark.document", "GET"): only("assessor"),
    ("kitemark.awards", "GET"): only("assessor"),
    ("kitemark.organisation", "GET"): only("assessor"),
    ("kitemark.suspend", "POST"): ASSESSOR_POST,
    ("kitemark.reinstate", "POST"): ASSESSOR_POST,
    ("kitemark.kitemarked", "GET"): everyone(200),
    ("kitemark.kitemarked_csv", "GET"): everyone(200),
}


def make_url_args(users: dict) -> dict:
    """An application of provider A's organisation whose snapshot holds one of its documents (if it has one)."""
    organisation = users["provider_a"].organisation
    document = db.session.scalar(
        select(EvidenceDocument)
        .where(EvidenceDocument.organisation_id == organisation.id)
        .order_by(EvidenceDocument.id)
    )
    if document is None:  # the evidence table (which makes one) runs first; keep working without it
        from marketplace.directory.evidence import storage
        from tests.directory.evidence import files
        from tests.forms import file_storage

        document = storage.store_upload(file_storage(files.pdf(), "policy.pdf"), organisation, users["provider_a"])
    application = KitemarkApplication(
        organisation=organisation,
        snapshot={"safeguarding": {"policy_document": document_entry(document)}},
    )
    db.session.add(application)
    db.session.commit()
    return {"application_id": application.id, "document_id": document.id}
