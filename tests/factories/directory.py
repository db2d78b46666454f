"""Directory test data: organisations (draft or published), offers and evidence rows. Every helper commits."""

from __future__ import annotations

from datetime import date
from typing import Any

from marketplace.core.clock import utcnow
from marketplace.directory.models import (
    Accreditation,
    EvidenceDocument,
    ImpactEvidence,
    Offer,
    Organisation,
    OrganisationStatus,
    SafeguardingRecord,
)
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests.factories.sequence import next_number


def make_organisation(name: str | None = None, *, status: str = OrganisationStatus.DRAFT, **fields) -> Organisation:
    organisation = Organisation(
        name=name or f"Test Museum {next_number()}",
        status=status,
        organisation_type=terms_by_code("organisation_type")["museum"],
        **fields,
    )
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_published(name: str, **fields: Any) -> Organisation:
    """A published organisation (published now unless told), optionally of another ``organisation_type``."""
    fields.setdefault("published_at", utcnow())
    organisation_type = fields.pop("organisation_type", None)
    organisation = make_organisation(name, status=fields.pop("status", OrganisationStatus.PUBLISHED), **fields)
    if organisation_type is not None:
        organisation.organisation_type = organisation_type
        db.session.commit()
    return organisation


def make_offer(organisation: Organisation, title: str = "Storytelling sessions", **fields: Any) -> Offer:
    offer = Offer(organisation=organisation, title=title, **fields)
    db.session.add(offer)
    db.session.commit()
    return offer


def make_document(organisation: Organisation, filename: str = "policy.pdf") -> EvidenceDocument:
    number = next_number()
    document = EvidenceDocument(
        organisation=organisation,
        original_filename=filename,
        stored_name=f"stored-{number}-{organisation.id}",
        content_type="application/pdf",
        size_bytes=1234,
        sha256="0" * 64,
    )
    db.session.add(document)
    db.session.commit()
    return document


def make_impact_evidence(
    organisation: Organisation, title: str = "Summer reading evaluation", **fields
) -> ImpactEvidence:
    evidence = ImpactEvidence(organisation=organisation, title=title, **fields)
    db.session.add(evidence)
    db.session.commit()
    return evidence


def make_safeguarding(organisation: Organisation, **fields) -> SafeguardingRecord:
    record = SafeguardingRecord(organisation=organisation, **fields)
    db.session.add(record)
    db.session.commit()
    return record


def make_accreditation(organisation: Organisation, expires_on: date | None, **fields) -> Accreditation:
    fields.setdefault("scheme", terms_by_code("accreditation_scheme")["museum-accreditation"])
    accreditation = Accreditation(organisation=organisation, expires_on=expires_on, **fields)
    db.session.add(accreditation)
    db.session.commit()
    return accreditation
