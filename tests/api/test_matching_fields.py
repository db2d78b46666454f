"""The API says which providers work with adults only and which needs require providers to serve their area."""

from __future__ import annotations

from tests import factories
from tests.api.addresses import org_url, service_url
from tests.client import get_json
from tests.factories import make_need, make_offer, make_published
from tests.lookups import term


def test_organisations_and_their_services_say_whether_they_work_with_adults_only(client):
    adults = make_published("Grown-ups Gallery", adults_only=True, age_min=18, age_max=None)
    children = make_published("Children's Gallery", age_min=5, age_max=11)
    offer = make_offer(adults, "Life drawing", price_pence=1000)

    assert get_json(client, org_url(adults))["adults_only"] is True
    assert get_json(client, org_url(children))["adults_only"] is False
    listed = {item["name"]: item["adults_only"] for item in get_json(client, "/api/v1/organizations")["contents"]}
    assert listed == {"Grown-ups Gallery": True, "Children's Gallery": False}
    assert get_json(client, service_url(offer))["adults_only"] is True
    services = get_json(client, "/api/v1/services")["contents"]
    assert [item["adults_only"] for item in services] == [True]


def test_an_organisations_problem_areas_are_among_its_terms_and_filter_it(client):
    calm = make_published("Calm Gallery", problem_areas=[term("problem_area", "emotional-health")])
    make_published("Other Gallery")

    terms = [item["taxonomy_term"]["code"] for item in get_json(client, org_url(calm))["attributes"]]
    found = get_json(client, "/api/v1/organizations?taxonomy_term_id=problem_area:emotional-health")

    assert "emotional-health" in terms
    assert [item["name"] for item in found["contents"]] == ["Calm Gallery"]


def test_a_need_says_whether_providers_must_serve_its_localities_and_its_problem_areas(client):
    body = factories.make_body("Derby Children's Services")
    must = make_need(body, localities_required=True, problem_areas=[term("problem_area", "neet")])
    prefer = make_need(body)

    strict = get_json(client, f"/api/v1/needs/{must.id}")
    assert strict["requirements"]["localities_required"] is True
    assert [item["code"] for item in strict["problem_areas"]] == ["neet"]
    assert get_json(client, f"/api/v1/needs/{prefer.id}")["requirements"]["localities_required"] is False
    by_problem = get_json(client, "/api/v1/needs?taxonomy_term_id=problem_area:neet")
    assert [item["title"] for item in by_problem["contents"]] == [must.title]
