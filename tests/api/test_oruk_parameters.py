"""The ORUK 3.0 profile's query parameters: accepted, checked, and narrowing where we hold the data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.api import serializers
from marketplace.core.clock import utcnow
from tests.api.addresses import term_uuid
from tests.client import get_json, names
from tests.factories import make_offer, make_published
from tests.lookups import term


@pytest.fixture
def offers():
    """Three offers: a Derby club from 8, a Derby talk for all ages, a London class for 5-11s (ages inherited)."""
    derby = make_published("Derby Museum", postcode="DE1 3AF", address="Silk Mill Lane")
    london = make_published("London Gallery", postcode="SE1 9TG", age_min=5, age_max=11)
    club = make_offer(derby, "Maker club", age_min=8, aims=[term("ecm_aim", "physically-healthy")])
    talk = make_offer(derby, "Evening talk")
    drawing = make_offer(london, "Drawing class", venue="Studio 2")
    return {"club": club, "talk": talk, "drawing": drawing}


def _services(client, query: str) -> list[str]:
    return names(get_json(client, f"/api/v1/services?{query}"))


def test_search_matches_as_q_does(client, offers):
    assert _services(client, "search=maker") == _services(client, "q=maker") == ["Maker club"]
    body = get_json(client, "/api/v1/services?search=maker&q=club", status=400)
    assert body["error"]["parameters"] == [{"name": "search", "problem": "give search or q, not both"}]


def test_taxonomy_and_term_ids_are_uuids_or_keys(client, offers):
    aims = serializers.taxonomy_uuid("ecm_aim")

    assert _services(client, f"taxonomy_id={aims}") == _services(client, "taxonomy_id=ecm_aim") == ["Maker club"]
    assert _services(client, f"taxonomy_term_id={term_uuid('ecm_aim', 'physically-healthy')}") == ["Maker club"]
    assert _services(client, "taxonomy_id=ecm_outcome") == []
    unknown = get_json(client, "/api/v1/services?taxonomy_id=colours", status=400)
    assert unknown["error"]["parameters"][0]["problem"] == "no taxonomy 'colours' (see /api/v1/taxonomies)"


def test_minimum_and_maximum_age_compare_the_services_bounds(client, offers):
    # Maker club 8 and over, Evening talk any age, Drawing class 5-11 (its organisation's).
    assert sorted(_services(client, "minimum_age=5")) == ["Drawing class", "Maker club"]
    assert _services(client, "maximum_age=12") == ["Drawing class"]
    assert _services(client, "minimum_age=6&maximum_age=16") == []
    assert _services(client, "minimum_age=8.0") == ["Maker club"]


def test_schedule_parameters_are_checked_but_do_not_narrow(client, offers):
    everything = _services(client, "")

    assert _services(client, "day=MO&start_time=09:30&end_time=17:00") == everything
    assert _services(client, "day=saturday") == everything
    body = get_json(client, "/api/v1/services?day=Funday&start_time=25:00", status=400)
    assert {item["name"] for item in body["error"]["parameters"]} == {"day", "start_time"}


def test_modified_after_keeps_recent_changes(client, offers):
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    yesterday = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert _services(client, f"modified_after={tomorrow}") == []
    assert len(_services(client, f"modified_after={yesterday}")) == 3
    body = get_json(client, "/api/v1/services?modified_after=last-week", status=400)
    assert body["error"]["parameters"][0]["name"] == "modified_after"


def test_postcode_with_proximity_keeps_nearby_providers(client, offers):
    near_derby = _services(client, "postcode=DE1%201BS&proximity=10000")

    assert sorted(near_derby) == ["Evening talk", "Maker club"]
    assert len(_services(client, "postcode=DE1%201BS")) == 3  # a postcode alone does not narrow
    assert get_json(client, "/api/v1/services?proximity=1000", status=400)["error"]["parameters"] == [
        {"name": "proximity", "problem": "needs a postcode"}
    ]
    assert get_json(client, "/api/v1/services?postcode=ZZ9&proximity=10", status=400)["error"]["status"] == 400


def test_service_at_locations_are_offers_at_a_venue_or_their_organisations_address(client, offers):
    page = get_json(client, "/api/v1/service_at_locations")
    by_name = {item["service"]["name"]: item for item in page["contents"]}

    studio = get_json(client, f"/api/v1/service_at_locations/{by_name['Drawing class']['id']}")
    silk_mill = by_name["Maker club"]["location"]

    assert set(by_name) == {"Drawing class", "Evening talk", "Maker club"}
    assert studio["location"]["name"] == "Studio 2" and "latitude" not in studio["location"]
    assert studio["service"]["id"] == studio["service_id"] == serializers.service_uuid(offers["drawing"].id)
    assert silk_mill["name"] == "Derby Museum"
    assert silk_mill["latitude"] == pytest.approx(52.92, abs=0.02)
    assert names(get_json(client, "/api/v1/service_at_locations?postcode=SE1&proximity=5000"), "service_id") == [
        serializers.service_uuid(offers["drawing"].id)
    ]


def test_full_service_nests_each_service_in_full(client, offers):
    brief = get_json(client, "/api/v1/organizations?q=derby")["contents"][0]
    full = get_json(client, "/api/v1/organizations?q=derby&full_service=true")["contents"][0]

    assert "attributes" not in brief["services"][0]
    assert {service["name"] for service in full["services"]} == {"Evening talk", "Maker club"}
    assert all("service_areas" in service for service in full["services"])
    assert get_json(client, "/api/v1/organizations?full_service=maybe", status=400)["error"]["status"] == 400


def test_list_items_are_lean_and_leave_out_what_we_do_not_hold(client, offers):
    item = next(item for item in get_json(client, "/api/v1/services")["contents"] if item["name"] == "Evening talk")

    assert {"attributes", "service_areas", "cost_options", "service_at_locations"}.isdisjoint(item)
    assert "maximum_age" not in item and "fees" not in item  # not null
    assert item["organization"]["description"] == ""
    assert None not in item.values()
