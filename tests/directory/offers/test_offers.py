"""Providers add, change and delete their organisation's offers; bad input is explained and nothing is lost."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.directory.models import Offer, OrganisationStatus
from marketplace.extensions import db
from tests import factories
from tests.client import error_summary, text_of
from tests.factories import make_offer
from tests.forms import offer_form
from tests.lookups import aim_id, locality_id, term_id


@pytest.fixture
def provider(app):
    return factories.make_provider(factories.make_organisation("Derby Museums"))


@pytest.fixture
def signed_in(client, provider):
    client.sign_in(provider.email)
    return client


def _offers() -> list[Offer]:
    db.session.expire_all()
    return list(db.session.scalars(select(Offer).order_by(Offer.id)))


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_provider_adds_an_offer_with_every_field(signed_in, provider):
    response = signed_in.submit("/provider/offers/new", offer_form())

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/provider/offers")
    [offer] = _offers()
    assert offer.organisation_id == provider.organisation_id
    assert offer.title == "Object handling for looked-after children"
    assert offer.venue == "Derby Museum and Art Gallery"
    assert (offer.age_min, offer.age_max, offer.group_size_min, offer.group_size_max) == (8, 14, 4, 12)
    assert offer.capacity_per_year == 240
    assert offer.price_pence == 25000
    assert offer.cost_basis.code == "per-session"
    assert offer.send_suitable is True
    assert [mode.code for mode in offer.delivery_modes] == ["at-our-venue", "outreach"]
    assert sorted(locality.name for locality in offer.localities) == ["Derby", "Derbyshire"]
    assert [outcome.code for outcome in offer.outcomes] == ["enjoy-and-achieve"]
    assert [aim.id for aim in offer.aims] == [aim_id("enjoy-and-achieve", 3)]
    assert [area.code for area in offer.service_areas] == ["children-in-care"]
    [event] = _events("offer.created")
    assert event.actor_id == provider.id
    assert event.after["price_pence"] == 25000
    assert event.after["localities"] == ["E06000015", "E10000007"]


def test_the_new_offer_is_listed_with_its_price(signed_in):
    signed_in.submit("/provider/offers/new", offer_form())

    page = text_of(signed_in.get("/provider/offers"))

    assert "Object handling for looked-after children" in page
    assert "£250 per session" in page


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("250", 25000), ("250.00", 25000), ("£1,250.5", 125050), ("0.99", 99), (" 12.30 ", 1230)],
)
def test_a_price_in_pounds_is_stored_in_pence(signed_in, typed, pence):
    signed_in.submit("/provider/offers/new", offer_form(price=typed))

    assert _offers()[0].price_pence == pence


def test_a_free_offer_needs_no_price(signed_in):
    response = signed_in.submit(
        "/provider/offers/new", offer_form(price="", cost_basis_id=term_id("cost_basis", "free"))
    )

    assert response.status_code == 302
    assert _offers()[0].price_pence is None


def test_optional_fields_may_be_left_blank(signed_in):
    blank = dict.fromkeys(
        ("description", "venue", "age_min", "age_max", "group_size_min", "group_size_max", "capacity_per_year"), ""
    )
    response = signed_in.submit(
        "/provider/offers/new", offer_form(**blank, localities=None, outcomes=None, aims=None, service_areas=None)
    )

    assert response.status_code == 302
    offer = _offers()[0]
    assert offer.age_min is None and offer.capacity_per_year is None
    assert offer.localities == [] and offer.aims == []


BAD_INPUT = [
    ({"title": ""}, "Enter a title for the offer"),
    ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
    ({"delivery_modes": None}, "Select at least one way the offer is delivered"),
    ({"age_min": "eight"}, "Youngest age must be a whole number, like 12"),
    ({"age_min": "2.5"}, "Youngest age must be a whole number, like 12"),
    ({"age_max": "121"}, "Oldest age must be between 0 and 120"),
    ({"age_min": "-1"}, "Youngest age must be between 0 and 120"),
    ({"age_min": "15", "age_max": "11"}, "Oldest age must be the same as or more than the youngest age"),
    ({"group_size_min": "0"}, "Smallest group must be between 1 and 100,000"),
    ({"group_size_min": "20", "group_size_max": "10"}, "Largest group must be the same as or more than the smallest"),
    ({"capacity_per_year": "-3"}, "Capacity per year must be between 0 and 10,000,000"),
    ({"price": "-5"}, "Price must be £0 or more"),
    ({"price": "ten pounds"}, "Enter a price in pounds, like 250 or 250.00"),
    ({"price": "2.505"}, "Price must be in pounds and pence, with no more than 2 decimal places"),
    ({"price": "1e5"}, "Enter a price in pounds, like 250 or 250.00"),
    ({"price": ""}, "Enter a price, or select ‘Free’ as how the offer is charged"),
    ({"cost_basis_id": ""}, "Select how the offer is charged"),
    ({"send_suitable": None}, "Select yes if the offer is suitable for children with SEND"),
    ({"description": "x" * 5001}, "Description must be 5,000 characters or fewer"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT)
def test_bad_input_is_explained_and_what_was_typed_is_kept(signed_in, overrides, message):
    typed = offer_form(**{"title": "Sensory storytelling", "venue": "Pickford's House", **overrides})

    response = signed_in.submit("/provider/offers/new", typed)

    assert response.status_code == 200
    assert any(item.startswith(message) for item in error_summary(response)), error_summary(response)
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    if "title" not in overrides:
        assert 'value="Sensory storytelling"' in html
    assert "Pickford&#39;s House" in html or "Pickford's House" in html
    assert _offers() == []


def test_a_price_is_refused_for_a_free_offer(signed_in):
    response = signed_in.submit("/provider/offers/new", offer_form(cost_basis_id=term_id("cost_basis", "free")))

    assert "Price must be blank or 0 when the offer is free" in error_summary(response)
    assert _offers() == []


def test_ticked_choices_are_kept_after_an_error(signed_in):
    response = signed_in.submit("/provider/offers/new", offer_form(title=""))

    html = response.get_data(as_text=True)
    assert f'value="{locality_id("Derbyshire")}" checked' in html
    assert f'value="{aim_id("enjoy-and-achieve", 3)}" checked' in html


def test_an_aim_whose_outcome_is_not_selected_brings_its_outcome_with_it(signed_in):
    # Issue 17: refusing the form ("Select the outcome ‘Stay safe’ for the aim …") argued with people
    stray_aim = aim_id("stay-safe", 2)

    response = signed_in.submit(
        "/provider/offers/new", offer_form(aims=[str(aim_id("enjoy-and-achieve", 3)), str(stray_aim)])
    )

    assert response.status_code == 302, error_summary(response)
    [offer] = _offers()
    assert "stay-safe" in {outcome.code for outcome in offer.outcomes}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("localities", "999999", "Select localities from the list"),
        ("localities", "Derby", "Select localities from the list"),
        ("outcomes", "999999", "Select outcomes from the list"),
        ("aims", "abc", "Select aims from the list"),
        ("service_areas", "1", "Select service areas from the list"),  # a term of another vocabulary
        ("delivery_modes", "999999", "Select how the offer is delivered from the list"),
        ("cost_basis_id", "999999", "Select how the offer is charged"),
        ("cost_basis_id", "abc", "Select how the offer is charged"),
        ("send_suitable", "maybe", "Select yes if the offer is suitable for children with SEND"),
    ],
)
def test_tampered_ids_are_refused(signed_in, field, value, message):
    values = [value] if field in ("localities", "outcomes", "aims", "service_areas", "delivery_modes") else value
    response = signed_in.submit("/provider/offers/new", offer_form(**{field: values}))

    assert response.status_code == 200
    assert message in error_summary(response)
    assert _offers() == []


def test_a_provider_changes_an_offer_and_the_change_is_audited(signed_in, provider):
    offer = make_offer(provider.organisation, "Old title", price_pence=1000)

    page = signed_in.get(f"/provider/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="Old title"' in page
    assert 'value="10"' in page
    response = signed_in.submit(f"/provider/offers/{offer.id}/edit", offer_form(title="New title", price="99.95"))

    assert response.status_code == 302
    [offer] = _offers()
    assert (offer.title, offer.price_pence) == ("New title", 9995)
    [event] = _events("offer.updated")
    assert event.before["title"] == "Old title"
    assert event.after["title"] == "New title"
    assert event.after["price_pence"] == 9995


def test_a_bad_change_keeps_the_offer_as_it_was(signed_in, provider):
    offer = make_offer(provider.organisation, "Old title")

    response = signed_in.submit(f"/provider/offers/{offer.id}/edit", offer_form(title="New title", age_max="199"))

    assert "Oldest age must be between 0 and 120" in error_summary(response)
    assert 'value="New title"' in response.get_data(as_text=True)
    assert _offers()[0].title == "Old title"


def test_a_provider_deletes_an_offer_and_the_deletion_is_audited(signed_in, provider):
    offer = make_offer(provider.organisation, "Doomed offer")

    response = signed_in.submit(f"/provider/offers/{offer.id}/delete", page_url="/provider/offers")

    assert response.status_code == 302
    assert _offers() == []
    [event] = _events("offer.deleted")
    assert event.before["title"] == "Doomed offer"


def test_a_member_who_is_not_the_account_manager_can_manage_offers(client, provider):
    member = factories.make_provider(provider.organisation, is_org_admin=False)
    client.sign_in(member.email)

    assert client.submit("/provider/offers/new", offer_form()).status_code == 302
    assert len(_offers()) == 1


def test_the_list_shows_only_the_own_organisations_offers(signed_in, provider):
    make_offer(provider.organisation, "Our offer")
    make_offer(factories.make_organisation("Elsewhere"), "Their offer")

    page = text_of(signed_in.get("/provider/offers"))

    assert "Our offer" in page
    assert "Their offer" not in page


def test_a_provider_without_an_organisation_cannot_add_offers(client):
    loner = factories.make_user(email="loner@example.org")
    client.sign_in(loner.email)

    assert "You are not a member of an organisation" in text_of(client.get("/provider/offers"))
    assert client.get("/provider/offers/new").status_code == 404


# Another organisation's offers --------------------------------------------------------------------------------


@pytest.fixture
def other_offer(app):
    organisation = factories.make_organisation("Nottingham Museums", status=OrganisationStatus.DRAFT)
    factories.make_provider(organisation)
    return make_offer(organisation, "Their secret draft offer", price_pence=500)


def test_another_organisations_offer_cannot_be_opened_for_editing(signed_in, other_offer):
    assert signed_in.get(f"/provider/offers/{other_offer.id}/edit").status_code == 404


def test_another_organisations_offer_cannot_be_changed(signed_in, other_offer):
    response = signed_in.submit(
        f"/provider/offers/{other_offer.id}/edit", offer_form(title="Hijacked"), page_url="/provider/offers/new"
    )

    assert response.status_code == 404
    offer = _offers()[0]
    assert (offer.title, offer.price_pence) == ("Their secret draft offer", 500)
    assert _events("offer.updated") == []


def test_another_organisations_offer_cannot_be_deleted(signed_in, other_offer):
    response = signed_in.submit(f"/provider/offers/{other_offer.id}/delete", page_url="/provider/offers")

    assert response.status_code == 404
    assert [offer.id for offer in _offers()] == [other_offer.id]
    assert _events("offer.deleted") == []


def test_a_missing_offer_is_not_found(signed_in):
    assert signed_in.get("/provider/offers/424242/edit").status_code == 404
    assert signed_in.submit("/provider/offers/424242/delete", page_url="/provider/offers").status_code == 404


def test_a_new_offer_starts_from_the_localities_of_the_profile(signed_in, provider):
    from tests.lookups import locality

    provider.organisation.localities = [locality("E06000015")]
    db.session.commit()

    html = signed_in.get("/provider/offers/new").get_data(as_text=True)

    assert f'value="{locality_id("Derby")}" checked' in html
    assert f'value="{locality_id("Derbyshire")}" checked' not in html
