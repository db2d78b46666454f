"""The consortium page and directory: members with their combined localities, outcomes and offers.

Only published members count: a member's draft profile (its name, offers, localities, outcomes) never leaks
through a consortium page. A consortium led by a draft organisation is not public until the lead publishes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.core.roles import Role
from marketplace.directory.consortia import services
from marketplace.directory.models import OrganisationStatus, OutcomeContribution
from marketplace.extensions import db
from marketplace.reference.models import Locality
from marketplace.reference.services import terms_by_code
from tests import factories
from tests.client import text_of
from tests.factories import make_offer

PUBLISHED = OrganisationStatus.PUBLISHED


def _places(*names: str) -> list[Locality]:
    return list(db.session.scalars(select(Locality).where(Locality.name.in_(names))))


def _contribute(organisation, outcome_code: str) -> None:
    outcome = terms_by_code("ecm_outcome")[outcome_code]
    db.session.add(OutcomeContribution(organisation=organisation, outcome=outcome, statement="We contribute."))
    db.session.commit()


@pytest.fixture
def world(app):
    """A consortium led by a published museum, with a published and a draft member and an invited outsider."""
    lead = factories.make_provider(factories.make_organisation("Derby Museums", status=PUBLISHED))
    lead.organisation.localities = _places("Derbyshire")
    offer = make_offer(lead.organisation, "Museum object handling")
    offer.localities = _places("Derby")
    offer.outcomes = [terms_by_code("ecm_outcome")["enjoy-and-achieve"]]

    published = factories.make_provider(factories.make_organisation("Nottingham Libraries", status=PUBLISHED))
    published.organisation.localities = _places("Amber Valley", "Nottingham")
    _contribute(published.organisation, "be-healthy")
    make_offer(published.organisation, "Library reading club")

    draft = factories.make_provider(factories.make_organisation("Secret Draft Gallery"))
    draft.organisation.localities = _places("Cornwall")
    _contribute(draft.organisation, "stay-safe")
    make_offer(draft.organisation, "Unannounced draft workshop")

    invited = factories.make_organisation("Leicester Arts Centre", status=PUBLISHED)
    db.session.commit()

    consortium = services.create_consortium(
        lead.organisation,
        name="Midlands Heritage Partnership",
        legal_form_id=terms_by_code("legal_form")["cic"].id,
        description="Museums and libraries working together.",
        actor=lead,
    )
    for member in (published, draft):
        services.accept_invitation(
            services.invite_organisation(consortium, member.organisation, actor=lead), actor=member
        )
    services.invite_organisation(consortium, invited, actor=lead)
    return {"consortium": consortium, "lead": lead, "published": published, "draft": draft}


def test_the_public_page_shows_the_consortium_and_its_published_members(client, world):
    response = client.get(f"/consortia/{world['consortium'].id}")

    page = text_of(response)
    assert response.status_code == 200
    assert "Midlands Heritage Partnership" in page
    assert "Museums and libraries working together." in page
    assert "CIC (community interest company)" in page
    html = response.get_data(as_text=True)
    assert f'href="/organisations/{world["lead"].organisation_id}">Derby Museums</a> (lead)' in html
    assert f'href="/organisations/{world["published"].organisation_id}">Nottingham Libraries</a>' in html
    assert "Leicester Arts Centre" not in page  # invited, not a member yet


def test_combined_localities_show_counties_with_their_districts_then_other_places(client, world):
    html = client.get(f"/consortia/{world['consortium'].id}").get_data(as_text=True)
    page = text_of(client.get(f"/consortia/{world['consortium'].id}"))

    assert "Counties (including all their districts)" in page
    assert "<li>Derbyshire" in html
    assert "<li>Derby</li>" in html  # from an offer
    assert "<li>Nottingham</li>" in html
    assert "<li>Amber Valley</li>" not in html  # inside Derbyshire, which is listed as a county


def test_combined_outcomes_and_offers_come_from_published_members(client, world):
    page = text_of(client.get(f"/consortia/{world['consortium'].id}"))

    assert "Enjoy and achieve Derby Museums" in page
    assert "Be healthy Nottingham Libraries" in page
    assert "Museum object handling from Derby Museums" in page
    assert "Library reading club from Nottingham Libraries" in page


@pytest.mark.parametrize("viewer", ["anonymous", "commissioner", "member_of_draft"])
def test_a_draft_members_name_offers_localities_and_outcomes_never_appear(client, world, viewer):
    if viewer == "commissioner":
        client.sign_in(factories.make_commissioner().email)
    elif viewer == "member_of_draft":
        client.sign_in(world["draft"].email)

    page = text_of(client.get(f"/consortia/{world['consortium'].id}"))

    assert "Secret Draft Gallery" not in page
    assert "Unannounced draft workshop" not in page
    assert "Cornwall" not in page
    assert "Stay safe" not in page


def test_insiders_are_told_that_unpublished_members_are_left_out(client, world):
    assert "1 member organisation is not shown" not in text_of(client.get(f"/consortia/{world['consortium'].id}"))

    client.sign_in(world["lead"].email)

    assert "1 member organisation is not shown" in text_of(client.get(f"/consortia/{world['consortium'].id}"))


def test_the_directory_lists_consortia_with_their_published_member_count(client, world):
    page = text_of(client.get("/consortia"))

    assert "Midlands Heritage Partnership" in page
    assert "Led by Derby Museums · 2 member organisations" in page


@pytest.fixture
def draft_led(app):
    """A consortium led by a draft organisation, with a published organisation invited."""
    lead = factories.make_provider(factories.make_organisation("Unpublished Lead Museum"))
    invited = factories.make_provider(factories.make_organisation("Invited Library", status=PUBLISHED))
    consortium = services.create_consortium(
        lead.organisation, name="Quiet Partnership", legal_form_id=None, description="", actor=lead
    )
    services.invite_organisation(consortium, invited.organisation, actor=lead)
    return consortium, lead, invited


def test_a_consortium_led_by_a_draft_organisation_is_not_in_the_directory(client, draft_led):
    assert "Quiet Partnership" not in text_of(client.get("/consortia"))


@pytest.mark.parametrize("viewer", ["anonymous", "other_provider", "commissioner"])
def test_a_consortium_led_by_a_draft_organisation_is_hidden_from_outsiders(client, draft_led, viewer):
    consortium, _, _ = draft_led
    if viewer == "other_provider":
        client.sign_in(factories.make_provider(factories.make_organisation(status=PUBLISHED)).email)
    elif viewer == "commissioner":
        client.sign_in(factories.make_commissioner().email)

    assert client.get(f"/consortia/{consortium.id}").status_code == 404


@pytest.mark.parametrize("viewer", ["lead", "invited", "assessor", "admin"])
def test_a_consortium_led_by_a_draft_organisation_is_visible_to_those_in_it_and_staff(client, draft_led, viewer):
    consortium, lead, invited = draft_led
    user = {"lead": lead, "invited": invited}.get(viewer) or factories.make_user(
        Role.ASSESSOR if viewer == "assessor" else Role.ADMIN
    )
    client.sign_in(user.email)

    response = client.get(f"/consortia/{consortium.id}")

    assert response.status_code == 200
    assert "Not visible to the public until the lead organisation publishes its profile" in text_of(response)


def test_an_unknown_consortium_is_not_found(client):
    assert client.get("/consortia/424242").status_code == 404
