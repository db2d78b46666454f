"""An offer's page is public once its organisation is published; a draft organisation's offers stay hidden."""

from __future__ import annotations

import pytest

from marketplace.core.roles import Role
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests import factories
from tests.client import text_of
from tests.factories import make_offer


@pytest.fixture
def published_offer(app):
    organisation = factories.make_organisation("Derby Museums", status=OrganisationStatus.PUBLISHED)
    offer = make_offer(
        organisation,
        "Object handling",
        description="Handle real museum objects.",
        age_min=8,
        age_max=14,
        price_pence=25050,
        cost_basis=terms_by_code("cost_basis")["per-participant"],
        send_suitable=True,
    )
    enjoy = terms_by_code("ecm_outcome")["enjoy-and-achieve"]
    offer.outcomes = [enjoy]
    offer.aims = [enjoy.children[3]]
    db.session.commit()
    return offer


def test_anyone_can_read_a_published_organisations_offer(client, published_offer):
    response = client.get(f"/offers/{published_offer.id}")

    page = text_of(response)
    assert response.status_code == 200
    assert "Object handling" in page
    assert "Handle real museum objects." in page
    assert "8 to 14" in page
    assert "£250.50 per participant" in page
    assert "Enjoy and achieve" in page
    assert enjoy_aim_label(published_offer) in page
    assert "Change this offer" not in page


def enjoy_aim_label(offer) -> str:
    return offer.aims[0].label


def test_members_see_a_link_to_change_their_offer(client, published_offer):
    member = factories.make_provider(published_offer.organisation)
    client.sign_in(member.email)

    assert "Change this offer" in text_of(client.get(f"/offers/{published_offer.id}"))


@pytest.mark.parametrize("viewer", ["anonymous", "other_provider", "commissioner"])
def test_a_draft_organisations_offer_is_hidden_from_outsiders(client, viewer):
    offer = make_offer(factories.make_organisation("Draft Museum"), "Unfinished offer")
    if viewer == "other_provider":
        client.sign_in(factories.make_provider().email)
    elif viewer == "commissioner":
        client.sign_in(factories.make_commissioner().email)

    assert client.get(f"/offers/{offer.id}").status_code == 404


@pytest.mark.parametrize("viewer", ["member", "assessor", "admin"])
def test_a_draft_organisations_offer_is_visible_to_its_members_and_staff(client, viewer):
    organisation = factories.make_organisation("Draft Museum")
    offer = make_offer(organisation, "Unfinished offer")
    user = {
        "member": lambda: factories.make_provider(organisation, is_org_admin=False),
        "assessor": lambda: factories.make_user(Role.ASSESSOR),
        "admin": lambda: factories.make_user(Role.ADMIN),
    }[viewer]()
    client.sign_in(user.email)

    response = client.get(f"/offers/{offer.id}")

    assert response.status_code == 200
    assert "not visible to the public" in text_of(response)


def test_an_unknown_offer_is_not_found(client):
    assert client.get("/offers/424242").status_code == 404
