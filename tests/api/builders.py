"""Published organisations and offers for the API tests, tagged with real vocabulary terms and localities."""

from __future__ import annotations

from typing import Any

from marketplace.api import serializers
from marketplace.core.clock import utcnow
from marketplace.directory.models import Offer, Organisation, OrganisationStatus
from marketplace.extensions import db
from marketplace.reference.models import Term
from marketplace.reference.services import terms_by_code
from tests import factories
from tests.commissioning.factories import locality

DERBYSHIRE = "E10000007"  # a county
AMBER_VALLEY = "E07000032"  # one of Derbyshire's districts
DERBY = "E06000015"  # a unitary authority
NOTTINGHAM = "E06000018"


def term(vocabulary: str, code: str) -> Term:
    return terms_by_code(vocabulary)[code]


def make_published(name: str, **fields: Any) -> Organisation:
    fields.setdefault("published_at", utcnow())
    organisation_type = fields.pop("organisation_type", None)
    organisation = factories.make_organisation(
        name, status=fields.pop("status", OrganisationStatus.PUBLISHED), **fields
    )
    if organisation_type is not None:
        organisation.organisation_type = organisation_type
        db.session.commit()
    return organisation


def make_offer(organisation: Organisation, title: str, **fields: Any) -> Offer:
    offer = Offer(organisation=organisation, title=title, **fields)
    db.session.add(offer)
    db.session.commit()
    return offer


def get_json(client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def names(page: dict, key: str = "name") -> list[str]:
    return [item[key] for item in page["contents"]]


def localities(*codes: str) -> list:
    return [locality(code) for code in codes]


def org_url(organisation: Organisation) -> str:
    """The API address of an organisation (routed on its UUID)."""
    return f"/api/v1/organizations/{serializers.organisation_uuid(organisation.id)}"


def service_url(offer: Offer) -> str:
    return f"/api/v1/services/{serializers.service_uuid(offer.id)}"


def term_uuid(vocabulary: str, code: str) -> str:
    return serializers.term_uuid(term(vocabulary, code))
