"""Fixtures and builders for the profile tests: an organisation with its account manager, and evidence rows."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from marketplace.directory.models import (
    Accreditation,
    EvidenceDocument,
    ImpactEvidence,
    Offer,
    Organisation,
    SafeguardingRecord,
)
from marketplace.extensions import db
from marketplace.reference.models import Term
from marketplace.reference.services import terms_by_code
from tests import factories

_counter = itertools.count(1)


def term(vocabulary_key: str, code: str) -> Term:
    return terms_by_code(vocabulary_key)[code]


def make_document(organisation: Organisation, filename: str = "policy.pdf") -> EvidenceDocument:
    number = next(_counter)
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
    fields.setdefault("scheme", term("accreditation_scheme", "museum-accreditation"))
    accreditation = Accreditation(organisation=organisation, expires_on=expires_on, **fields)
    db.session.add(accreditation)
    db.session.commit()
    return accreditation


def make_offer(organisation: Organisation, title: str = "Object handling sessions") -> Offer:
    offer = Offer(organisation=organisation, title=title)
    db.session.add(offer)
    db.session.commit()
    return offer


@pytest.fixture
def organisation(app) -> Organisation:
    return factories.make_organisation("Derby Museum of Making")


@pytest.fixture
def provider(organisation):
    """The organisation's account manager (org-admin)."""
    return factories.make_provider(organisation, is_org_admin=True)


@pytest.fixture
def signed_in(client, provider):
    client.sign_in(provider.email)
    return client
