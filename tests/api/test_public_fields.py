"""Only public fields ever appear: a crawl of every API endpoint finds none of an organisation's private data.

The private data is what the public profile page keeps back (templates/directory/_private_profile.html, shown
only to members, staff and approved commissioners): value for money, safeguarding, accreditations, impact
evidence and documents; plus members, a contact without an email address (the page shows none), a registration
number without a legal form (likewise), unpublished organisations and their offers, needs that are not open,
responses, shortlists, decisions and framework measures' private columns.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.api import serializers
from marketplace.api.ids import uuid_for
from marketplace.commissioning.models import Need, NeedStatus, Shortlist, ShortlistEntry
from marketplace.core.clock import utcnow
from marketplace.core.roles import Role
from marketplace.directory.models import (
    Accreditation,
    EvidenceDocument,
    ImpactEvidence,
    Offer,
    Organisation,
    OrganisationStatus,
    OutcomeContribution,
    SafeguardingRecord,
)
from marketplace.extensions import db
from marketplace.kitemark import status as kitemark_status
from tests import factories
from tests.api.addresses import org_url, service_url
from tests.factories import make_framework, make_need, make_offer, make_published, make_response
from tests.lookups import term

SECRETS = [
    # Value for money (commissioners only)
    "SECRET-UNIT-BASIS",
    "SECRET-ADDED-VALUE",
    "7.77",
    "9876.54",
    "987654",
    # Safeguarding
    "Secret Safeguarding Lead",
    "SECRET-TRAINING",
    "SECRET-REPORTING",
    # Documents, accreditations, impact evidence
    "secret-policy.pdf",
    "stored-secret-name",
    "f00d" * 16,
    "ACC-SECRET-REF",
    "SECRET-CASE-STUDY",
    "SECRET-METHOD",
    "SECRET-BASELINE",
    "SECRET-RESULT",
    # People and contact details the page does not show
    "secret.member@example.org",
    "Secret Member Name",
    "Hidden Contact Name",
    "0000 SECRET",
    "REG-HIDDEN-0001",
    "secret.commissioner@example.org",
    # Unpublished organisations and their offers
    "SECRET-DRAFT-ORG",
    "SECRET-DRAFT-OFFER",
    "SECRET-SUSPENDED-ORG",
    # Needs that are not open, responses, shortlists, decisions, measures' private columns
    "SECRET-DRAFT-NEED",
    "SECRET-CLOSED-NEED",
    "SECRET-CANCELLED-NEED",
    "SECRET-DECISION-NOTE",
    "SECRET-APPROACH",
    "SECRET-RESPONSE-OUTCOMES",
    "42424.24",
    "SECRET-SHORTLIST-NOTE",
    "SECRET-MEASURE-LEAD",
    "SECRET-CURRENT-POSITION",
    "SECRET-TARGET",
]
PUBLIC = ["Open Museum", "Public object handling", "Public short breaks", "Derby Children's Services"]


def _private_organisation() -> Organisation:
    organisation = make_published(
        "Open Museum",
        registration_number="REG-HIDDEN-0001",  # no legal form: the profile page does not show it
        contact_name="Hidden Contact Name",  # no email: the profile page shows no contact at all
        contact_phone="0000 SECRET",
        unit_cost_pence=987654,
        unit_cost_basis="SECRET-UNIT-BASIS",
        social_return_ratio=Decimal("7.77"),
        added_value="SECRET-ADDED-VALUE",
        full_cost_recovery=True,
    )
    factories.make_provider(organisation, email="secret.member@example.org", name="Secret Member Name")
    scheme = term("accreditation_scheme", "museum-accreditation")
    outcome = term("ecm_outcome", "enjoy-and-achieve")
    document = EvidenceDocument(
        organisation=organisation,
        original_filename="secret-policy.pdf",
        stored_name="stored-secret-name",
        content_type="application/pdf",
        size_bytes=1234,
        sha256="f00d" * 16,
    )
    evidence = ImpactEvidence(
        organisation=organisation,
        title="SECRET-CASE-STUDY",
        method="SECRET-METHOD",
        baseline="SECRET-BASELINE",
        result="SECRET-RESULT",
        document=document,
    )
    db.session.add_all(
        [
            SafeguardingRecord(
                organisation=organisation,
                policy_document=document,
                policy_reviewed_on=date(2026, 1, 5),
                lead_name="Secret Safeguarding Lead",
                training="SECRET-TRAINING",
                reporting_procedure="SECRET-REPORTING",
                dbs_coverage_percent=93,
            ),
            Accreditation(
                organisation=organisation,
                scheme=scheme,
                reference="ACC-SECRET-REF",
                certificate_document=document,
            ),
            OutcomeContribution(
                organisation=organisation,
                outcome=outcome,
                statement="We help children enjoy learning.",
                evidence=[evidence],
            ),
        ]
    )
    db.session.commit()
    make_offer(organisation, "Public object handling", price_pence=500)
    return organisation


def _commissioning(organisation: Organisation) -> None:
    body = factories.make_body("Derby Children's Services")
    commissioner = factories.make_commissioner(body, email="secret.commissioner@example.org")
    framework = make_framework(body)
    measure = framework.themes[0].aims[0].outcomes[0].measures[0]
    measure.lead, measure.current_position, measure.target = (
        "SECRET-MEASURE-LEAD",
        "SECRET-CURRENT-POSITION",
        "SECRET-TARGET",
    )
    open_need = make_need(
        body,
        title="Public short breaks",
        created_by=commissioner,
        decision_note="SECRET-DECISION-NOTE",
        framework_measures=[measure],
    )
    make_response(
        open_need,
        organisation,
        approach="SECRET-APPROACH",
        outcomes_statement="SECRET-RESPONSE-OUTCOMES",
        price_pence=4242424,
    )
    shortlist = Shortlist(body=body, need=open_need, name="Short breaks shortlist")
    shortlist.entries.append(ShortlistEntry(organisation=organisation, notes="SECRET-SHORTLIST-NOTE"))
    db.session.add(shortlist)
    make_need(body, title="SECRET-DRAFT-NEED", status=NeedStatus.DRAFT)
    make_need(body, title="SECRET-CLOSED-NEED", status=NeedStatus.CLOSED, closed_at=utcnow())
    make_need(body, title="SECRET-CANCELLED-NEED", status=NeedStatus.CANCELLED, cancelled_at=utcnow())


@pytest.fixture
def world(monkeypatch):
    organisation = _private_organisation()
    draft = factories.make_organisation("SECRET-DRAFT-ORG", status=OrganisationStatus.DRAFT)
    make_offer(draft, "SECRET-DRAFT-OFFER", description="SECRET-DRAFT-OFFER")
    suspended = factories.make_organisation("SECRET-SUSPENDED-ORG", status=OrganisationStatus.SUSPENDED)
    _commissioning(organisation)
    # Everyone holds a kitemark, the unpublished organisations included: the API must still hide those.
    award = kitemark_status.KitemarkAward(awarded_on=date(2026, 6, 1), expires_on=date(2027, 5, 31))
    monkeypatch.setattr(
        kitemark_status, "kitemarked_organisation_ids", lambda: {organisation.id, draft.id, suspended.id}
    )
    monkeypatch.setattr(kitemark_status, "current_award", lambda _organisation: award)


def _crawl(client) -> dict[str, str]:
    """Every list (all pages) and every detail URL the API has, for every id in the database."""
    bodies: dict[str, str] = {}
    lists = ("/organizations", "/services", "/service_at_locations", "/kitemarked", "/needs", "/taxonomies")
    for url in (*lists, "/taxonomy_terms", "/organizations?full_service=true", "/", "/openapi.json"):
        page = 1
        while True:
            single = url in ("/", "/openapi.json")
            separator = "&" if "?" in url else "?"
            response = client.get(f"/api/v1{url}{separator}per_page=100&page={page}" if not single else "/api/v1" + url)
            assert response.status_code == 200
            bodies[f"{url}{separator}page={page}"] = response.get_data(as_text=True)
            if single or response.get_json()["last_page"]:
                break
            page += 1
    for path, record_id in _every_detail_id():
        bodies[f"/{path}/{record_id}"] = client.get(f"/api/v1/{path}/{record_id}").get_data(as_text=True)
    return bodies


def _every_detail_id() -> list[tuple[str, str]]:
    """Every record's detail path and id (UUIDs, as routed), published or not."""
    offers = list(db.session.scalars(select(Offer.id)))
    return [
        *(
            ("organizations", serializers.organisation_uuid(record))
            for record in db.session.scalars(select(Organisation.id))
        ),
        *(("services", serializers.service_uuid(record)) for record in offers),
        *(("service_at_locations", uuid_for("service_at_location", record)) for record in offers),
        *(("needs", str(record)) for record in db.session.scalars(select(Need.id))),
    ]


@pytest.mark.parametrize("role", [None, Role.ADMIN])
def test_no_private_value_appears_in_any_api_response(client, world, role):
    if role is not None:  # staff see everything on the site; the API still shows only public fields
        client.sign_in(factories.make_user(role).email)

    bodies = _crawl(client)
    everything = "\n".join(bodies.values())

    assert len(bodies) > 10
    assert [value for value in PUBLIC if value not in everything] == []
    leaks = {secret: [url for url, body in bodies.items() if secret.lower() in body.lower()] for secret in SECRETS}
    assert {secret: urls for secret, urls in leaks.items() if urls} == {}


def test_unpublished_records_answer_404(client, world):
    hidden_organisations = db.session.scalars(select(Organisation).where(Organisation.name.like("SECRET-%")))
    for organisation in hidden_organisations:
        assert client.get(org_url(organisation)).status_code == 404
        for offer in organisation.offers:
            assert client.get(service_url(offer)).status_code == 404
            at_location = uuid_for("service_at_location", offer.id)
            assert client.get(f"/api/v1/service_at_locations/{at_location}").status_code == 404
    for need in db.session.scalars(select(Need).where(Need.status != NeedStatus.OPEN)):
        assert client.get(f"/api/v1/needs/{need.id}").status_code == 404
