"""Organisations and offers as Open Referral UK organizations and services: shapes, filters and pages."""

from __future__ import annotations

import pytest

from marketplace.api import serializers
from marketplace.directory.models import OrganisationStatus, OutcomeContribution
from marketplace.extensions import db
from tests import factories
from tests.api.addresses import org_url, service_url, term_uuid
from tests.client import get_json, names
from tests.factories import make_offer, make_published
from tests.lookups import AMBER_VALLEY, DERBY, DERBYSHIRE, NOTTINGHAM, localities, term


@pytest.fixture
def museum():
    """A published Derby museum with a full public profile and one priced offer."""
    organisation = make_published(
        "Derby Museum of Making",
        description="Hands-on making for families.",
        website="https://making.example.org",
        contact_name="Sam Jones",
        contact_email="learning@making.example.org",
        contact_phone="01332 000000",
        address="Silk Mill Lane, Derby",
        postcode="DE1 3AF",
        legal_form=term("legal_form", "charity"),
        registration_number="1234567",
        age_min=5,
        age_max=16,
        localities=localities(DERBY, DERBYSHIRE),
        target_groups=[term("target_group", "looked-after-children-and-care-leavers")],
    )
    organisation.outcome_contributions.append(
        OutcomeContribution(
            outcome=term("ecm_outcome", "enjoy-and-achieve"),
            aims=[term("ecm_aim", "attend-and-enjoy-school")],
            statement="Pupils who visit us attend school more.",
        )
    )
    db.session.commit()
    offer = make_offer(
        organisation,
        "Maker club",
        description="Weekly after-school club.",
        venue="The Silk Mill",
        age_min=8,
        price_pence=1250,
        cost_basis=term("cost_basis", "per-participant"),
        service_areas=[term("service_area", "positive-activities")],
        delivery_modes=[term("delivery_mode", "at-our-venue")],
        send_suitable=True,
    )
    return organisation, offer


def test_organizations_lists_only_published_organisations_in_key_order(client, museum):
    make_published("Arkwright Archive")
    factories.make_organisation("Draft Gallery", status=OrganisationStatus.DRAFT)
    factories.make_organisation("Suspended Theatre", status=OrganisationStatus.SUSPENDED)

    page = get_json(client, "/api/v1/organizations")

    assert names(page) == ["Derby Museum of Making", "Arkwright Archive"]  # oldest first, not by name
    assert page["total_items"] == 2
    assert (page["page_number"], page["total_pages"], page["size"]) == (1, 1, 2)
    assert page["first_page"] and page["last_page"] and not page["empty"]


def test_an_organization_has_its_public_profile_in_open_referral_shape(client, museum):
    organisation, offer = museum

    body = get_json(client, org_url(organisation))

    assert body["id"] == serializers.organisation_uuid(organisation.id)
    assert body["uri"] == f"http://127.0.0.1:5000/organisations/{organisation.id}"
    assert (body["email"], body["website"]) == ("learning@making.example.org", "https://making.example.org")
    assert body["organization_identifiers"][0]["identifier_scheme"] == "GB-CHC"
    assert body["organization_identifiers"][0]["identifier"] == "1234567"
    assert [phone["number"] for phone in body["contacts"][0]["phones"]] == ["01332 000000"]
    address = body["locations"][0]["addresses"][0]
    assert (address["address_1"], address["postal_code"]) == ("Silk Mill Lane, Derby", "DE1 3AF")
    # The centre of the DE1 postcode district, in WGS84.
    assert body["locations"][0]["latitude"] == pytest.approx(52.92, abs=0.02)
    assert body["locations"][0]["longitude"] == pytest.approx(-1.48, abs=0.02)
    assert (body["minimum_age"], body["maximum_age"]) == (5, 16)
    derbyshire = next(area for area in body["service_areas"] if area["ons_code"] == DERBYSHIRE)
    assert derbyshire["uri"] == f"http://statistics.data.gov.uk/id/statistical-geography/{DERBYSHIRE}"
    assert AMBER_VALLEY in derbyshire["district_ons_codes"]
    term_keys = {attribute["taxonomy_term"]["key"] for attribute in body["attributes"]}
    assert {"organisation_type:museum", "ecm_aim:attend-and-enjoy-school"} <= term_keys
    statement = body["outcome_statements"][0]
    assert statement["outcome"]["id"] == term_uuid("ecm_outcome", "enjoy-and-achieve")
    assert statement["aims"][0]["parent_id"] == term_uuid("ecm_outcome", "enjoy-and-achieve")
    assert statement["statement"] == "Pupils who visit us attend school more."
    assert body["services"] == [
        {
            "id": serializers.service_uuid(offer.id),
            "organization_id": body["id"],
            "name": "Maker club",
            "description": "Weekly after-school club.",
            "url": f"http://127.0.0.1:5000/offers/{offer.id}",
            "status": "active",
        }
    ]
    assert body["kitemark"] is None


def test_a_service_has_price_ages_areas_and_terms(client, museum):
    organisation, offer = museum

    body = get_json(client, service_url(offer))

    assert (body["id"], body["name"], body["status"]) == (serializers.service_uuid(offer.id), "Maker club", "active")
    assert body["organization_id"] == serializers.organisation_uuid(organisation.id)
    assert body["organization"]["description"] == "Hands-on making for families."
    assert body["cost_options"] == [
        {
            "id": body["cost_options"][0]["id"],
            "service_id": body["id"],
            "option": "£12.50 per participant",
            "amount": 12.5,
            "currency": "GBP",
            "amount_description": "Per participant",
        }
    ]
    # The offer's own lower age bound; the upper one is its organisation's (ORUK 3.0: on the service itself).
    assert (body["minimum_age"], body["maximum_age"]) == (8, 16)
    assert "eligibilitys" not in body
    # No localities of its own: offered where its organisation is.
    assert {area["ons_code"] for area in body["service_areas"]} == {DERBY, DERBYSHIRE}
    assert {area["service_id"] for area in body["service_areas"]} == {body["id"]}
    term_ids = {attribute["taxonomy_term"]["key"] for attribute in body["attributes"]}
    assert term_ids == {
        "service_area:positive-activities",
        "delivery_mode:at-our-venue",
        "target_group:looked-after-children-and-care-leavers",
    }
    assert body["service_at_locations"][0]["location"]["name"] == "The Silk Mill"
    assert body["send_suitable"] is True


@pytest.mark.parametrize("status", [OrganisationStatus.DRAFT, OrganisationStatus.SUSPENDED])
def test_an_unpublished_organisation_and_its_offers_are_not_found_even_by_their_owner(client, status):
    organisation = factories.make_organisation("Hidden House", status=status)
    offer = make_offer(organisation, "Hidden workshop")
    client.sign_in(factories.make_provider(organisation).email)

    for url in (org_url(organisation), service_url(offer)):
        body = get_json(client, url, status=404)
        assert body["error"]["status"] == 404
    assert get_json(client, "/api/v1/services")["contents"] == []
    assert get_json(client, "/api/v1/organizations?q=hidden")["contents"] == []


def test_a_missing_id_is_a_json_404(client):
    unknown = serializers.organisation_uuid(987654)
    assert get_json(client, f"/api/v1/organizations/{unknown}", status=404)["error"]["detail"] == (
        f"There is no published organization with the id {unknown}."
    )
    assert (
        get_json(client, f"/api/v1/services/{serializers.service_uuid(987654)}", status=404)["error"]["status"] == 404
    )
    assert get_json(client, "/api/v1/organizations/987654", status=404)["error"]["status"] == 404  # not a UUID
    assert get_json(client, "/api/v1/organizations/not-a-uuid", status=404)["error"]["status"] == 404


def test_taxonomy_term_filter_takes_an_id_or_a_bare_code(client, museum):
    make_published("Nottingham Playhouse", organisation_type=term("organisation_type", "theatre"))

    by_id = get_json(client, "/api/v1/organizations?taxonomy_term_id=organisation_type:theatre")
    by_code = get_json(client, "/api/v1/organizations?taxonomy_term_id=theatre")
    through_offer = get_json(client, "/api/v1/organizations?taxonomy_term_id=positive-activities")
    services = get_json(client, "/api/v1/services?taxonomy_term_id=service_area:positive-activities")
    none = get_json(client, "/api/v1/services?taxonomy_term_id=ecm_outcome:be-healthy")

    assert names(by_id) == names(by_code) == ["Nottingham Playhouse"]
    assert names(through_offer) == ["Derby Museum of Making"]
    assert names(services) == ["Maker club"]
    assert none["empty"] is True


@pytest.mark.parametrize("code", [AMBER_VALLEY, DERBYSHIRE])
def test_locality_filter_matches_a_county_and_its_districts_both_ways(client, code):
    county_wide = make_published("County-wide Library", localities=localities(DERBYSHIRE))
    make_offer(county_wide, "Mobile library")
    make_published("Amber Valley Arts", localities=localities(AMBER_VALLEY))
    touring = make_published("Touring Theatre", localities=localities(NOTTINGHAM))
    make_offer(touring, "Belper workshops", localities=localities(AMBER_VALLEY))
    make_offer(touring, "Nottingham workshops")
    make_published("Nottingham Gallery", localities=localities(NOTTINGHAM))

    organisations = get_json(client, f"/api/v1/organizations?locality={code}")
    services = get_json(client, f"/api/v1/services?locality={code}")

    assert names(organisations) == ["County-wide Library", "Amber Valley Arts", "Touring Theatre"]
    assert names(services) == ["Mobile library", "Belper workshops"]  # by organisation, then offer


def test_an_offers_own_localities_replace_its_organisations(client):
    organisation = make_published("Travelling Theatre", localities=localities(DERBY))
    make_offer(organisation, "Nottingham tour", localities=localities(NOTTINGHAM))
    make_offer(organisation, "Derby shows")

    in_nottingham = get_json(client, f"/api/v1/services?locality={NOTTINGHAM}")
    in_derby = get_json(client, f"/api/v1/services?locality={DERBY}")
    organisations_in_nottingham = get_json(client, f"/api/v1/organizations?locality={NOTTINGHAM}")

    assert names(in_nottingham) == ["Nottingham tour"]
    assert names(in_derby) == ["Derby shows"]
    assert names(organisations_in_nottingham) == ["Travelling Theatre"]


def test_age_filter_keeps_ranges_that_include_the_age(client):
    make_published("Early Years Museum", age_min=0, age_max=5)
    make_published("Youth Arts", age_min=13, age_max=19)
    make_published("All Ages Library")
    teens = make_published("Toddler Gallery", age_min=0, age_max=4)
    make_offer(teens, "Teen takeover", age_min=14, age_max=18)

    page = get_json(client, "/api/v1/organizations?age=15")
    services = get_json(client, "/api/v1/services?age=3")

    assert names(page) == ["Youth Arts", "All Ages Library", "Toddler Gallery"]
    assert names(services) == []
    assert names(get_json(client, "/api/v1/services?age=16")) == ["Teen takeover"]


def test_text_filter_matches_names_descriptions_and_offers_literally(client, museum):
    make_published("100% Arts", description="Everything")
    make_published("Quiet Archive", description="Letters and maps")

    assert names(get_json(client, "/api/v1/organizations?q=MAKER")) == ["Derby Museum of Making"]
    assert names(get_json(client, "/api/v1/organizations?q=letters")) == ["Quiet Archive"]
    assert names(get_json(client, "/api/v1/organizations?q=%25")) == ["100% Arts"]  # % is no wildcard
    assert names(get_json(client, "/api/v1/services?q=making")) == ["Maker club"]  # its organisation's name


def test_services_of_one_organization(client, museum):
    other = make_published("Other Museum")
    make_offer(other, "Other club")
    organisation, _ = museum

    page = get_json(client, f"/api/v1/services?organization_id={serializers.organisation_uuid(organisation.id)}")

    assert names(page) == ["Maker club"]


def test_pages_follow_the_open_referral_envelope(client):
    for number in range(5):
        make_published(f"Museum {number}")

    second = get_json(client, "/api/v1/organizations?per_page=2&page=2")
    last = get_json(client, "/api/v1/organizations?per_page=2&page=3")
    beyond = get_json(client, "/api/v1/organizations?per_page=2&page=4")

    assert names(second) == ["Museum 2", "Museum 3"]
    assert (second["total_items"], second["total_pages"], second["first_page"], second["last_page"]) == (
        5,
        3,
        False,
        False,
    )
    assert (names(last), last["size"], last["last_page"]) == (["Museum 4"], 1, True)
    assert (beyond["contents"], beyond["size"], beyond["empty"]) == ([], 0, False)


def test_taxonomy_terms_list_active_terms_with_their_parents(client):
    aims = get_json(client, "/api/v1/taxonomy_terms?vocabulary=ecm_aim&per_page=100")
    everything = get_json(client, "/api/v1/taxonomy_terms?per_page=5")

    assert aims["total_items"] == 25
    first = aims["contents"][0]
    assert first["key"] == f"ecm_aim:{first['code']}" and first["id"] == term_uuid("ecm_aim", first["code"])
    assert get_json(client, f"/api/v1/taxonomy_terms/{first['parent_id']}")["vocabulary"] == "ecm_outcome"
    assert everything["total_items"] > 200


def test_taxonomies_are_the_vocabularies_each_with_its_terms(client):
    page = get_json(client, "/api/v1/taxonomies?per_page=100")
    aims = next(item for item in page["contents"] if item["key"] == "ecm_aim")

    detail = get_json(client, f"/api/v1/taxonomies/{aims['id']}")
    by_taxonomy = get_json(client, f"/api/v1/taxonomy_terms?taxonomy_id={aims['id']}&per_page=100")

    assert "taxonomy_terms" not in aims and len(detail["taxonomy_terms"]) == 25
    assert (detail["name"], detail["id"]) == (aims["name"], aims["id"])
    assert set(names(by_taxonomy)) == {item["name"] for item in detail["taxonomy_terms"]}
    assert {item["taxonomy_id"] for item in by_taxonomy["contents"]} == {aims["id"]}


def test_a_retired_term_is_not_listed(client):
    retired = term("theme", "think-family")
    retired.is_active = False
    db.session.commit()

    themes = get_json(client, "/api/v1/taxonomy_terms?vocabulary=theme")

    assert "theme:think-family" not in [item["key"] for item in themes["contents"]]
    assert themes["total_items"] == 7


def test_service_totals_leave_out_offers_of_unpublished_organisations(client):
    """The unfiltered total is counted as every offer less the hidden ones: it must agree with the filtered count."""
    first = make_published("First Museum")
    make_offer(first, "Early tour")
    make_offer(first, "Late tour")
    second = make_published("Second Museum")
    make_offer(second, "Craft club")
    make_offer(factories.make_organisation("Draft Gallery", status=OrganisationStatus.DRAFT), "Hidden class")
    make_offer(factories.make_organisation("Suspended Theatre", status=OrganisationStatus.SUSPENDED), "Gone show")

    everything = get_json(client, "/api/v1/services?per_page=2")
    last = get_json(client, "/api/v1/services?per_page=2&page=2")
    narrowed = get_json(client, "/api/v1/services?q=tour")

    assert (everything["total_items"], everything["total_pages"]) == (3, 2)
    assert names(everything) + names(last) == ["Early tour", "Late tour", "Craft club"]  # by organisation, then offer
    assert narrowed["total_items"] == 2


def test_pages_in_the_back_half_hold_the_same_services_as_walking_forwards(client):
    """Back-half pages are cut from the end: one service a page must still give every service once, in order."""
    for number in range(3):
        organisation = make_published(f"Museum {number}", address=f"{number} Silk Mill Lane")
        make_offer(organisation, f"Talk {number}a")
        make_offer(organisation, f"Talk {number}b")
    expected = ["Talk 0a", "Talk 0b", "Talk 1a", "Talk 1b", "Talk 2a", "Talk 2b"]

    one_by_one = [names(get_json(client, f"/api/v1/services?per_page=1&page={n}")) for n in range(1, 7)]
    located = [
        [
            item["service"]["name"]
            for item in get_json(client, f"/api/v1/service_at_locations?per_page=4&page={n}")["contents"]
        ]
        for n in (1, 2)
    ]

    assert one_by_one == [[name] for name in expected]
    assert located[0] + located[1] == expected
