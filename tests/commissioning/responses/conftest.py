"""Shared data for the response tests: a Derby need, a provider with evidence, and the body's commissioner."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marketplace.accounts.models import User
from marketplace.commissioning.models import CommissioningBody, Need
from marketplace.directory.models import (
    Consortium,
    ConsortiumMembership,
    ImpactEvidence,
    MembershipStatus,
    Organisation,
    OrganisationStatus,
)
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests.factories import make_body, make_commissioner, make_need, make_organisation, make_provider


@dataclass
class World:
    body: CommissioningBody
    commissioner: User
    need: Need
    organisation: Organisation
    provider: User
    evidence: ImpactEvidence


def make_evidence(organisation: Organisation, title: str = "Family art club evaluation") -> ImpactEvidence:
    evidence = ImpactEvidence(
        organisation=organisation,
        title=title,
        kind="evaluation",
        outcome=terms_by_code("ecm_outcome")["enjoy-and-achieve"],
        result="85% of families returned",
    )
    db.session.add(evidence)
    db.session.commit()
    return evidence


def make_consortium(lead: Organisation, *members: Organisation, name: str = "Derby Culture Partners") -> Consortium:
    """A consortium led by ``lead`` with each of ``members`` (and the lead) as accepted members."""
    consortium = Consortium(name=name, lead_organisation=lead)
    for organisation in (lead, *members):
        consortium.memberships.append(ConsortiumMembership(organisation=organisation, status=MembershipStatus.ACCEPTED))
    db.session.add(consortium)
    db.session.commit()
    return consortium


def form_data(**overrides) -> dict:
    """A valid response form: approach, two outcomes, a price and no evidence unless told."""
    outcomes = terms_by_code("ecm_outcome")
    data = {
        "approach": "Fortnightly creative sessions for disabled children and their siblings at the museum.",
        "outcomes": [str(outcomes["enjoy-and-achieve"].id), str(outcomes["be-healthy"].id)],
        "outcomes_statement": "Families report more confidence; we track attendance and a wellbeing scale.",
        "price": "7,500.50",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def world(app) -> World:
    body = make_body("Derby Children's Services")
    organisation = make_organisation("Derby Museums", status=OrganisationStatus.PUBLISHED)
    return World(
        body=body,
        commissioner=make_commissioner(body),
        need=make_need(body, title="Creative short breaks"),
        organisation=organisation,
        provider=make_provider(organisation),
        evidence=make_evidence(organisation),
    )
