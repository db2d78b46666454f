"""The OpenAPI document is valid, covers every /api/v1 route, and the answers match its schemas exactly."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from marketplace.api import serializers
from marketplace.directory.models import OutcomeContribution
from marketplace.extensions import db
from marketplace.kitemark import status as kitemark_status
from tests import factories
from tests.client import text_of
from tests.factories import make_need, make_offer, make_published
from tests.lookups import AMBER_VALLEY, DERBYSHIRE, localities, term

PREFIX = "/api/v1"


def _document(client) -> dict[str, Any]:
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _api_paths(app) -> set[str]:
    """Every /api/v1 rule as an OpenAPI path (``<int:organization_id>`` → ``{organization_id}``)."""
    return {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
    }


def test_the_served_document_is_valid_openapi(client):
    validate(_document(client))


def test_every_api_route_is_documented_and_every_documented_path_exists(app, client):
    documented = set(_document(client)["paths"])

    assert _api_paths(app) == documented


def test_every_route_documents_its_methods(app, client):
    paths = _document(client)["paths"]
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
            assert {method.lower() for method in rule.methods - {"HEAD", "OPTIONS"}} == set(paths[path])


@pytest.fixture
def world(monkeypatch):
    """One of everything, kitemarked, so every schema branch gets data."""
    museum = make_published(
        "Derby Museum",
        description="Objects and stories.",
        contact_email="hello@museum.example.org",
        contact_name="Ali",
        contact_phone="01332 111111",
        address="The Strand",
        postcode="DE1 1BS",
        website="https://museum.example.org",
        legal_form=term("legal_form", "company"),
        registration_number="07654321",
        localities=localities(DERBYSHIRE),
        target_groups=[term("target_group", "young-carers")],
        indicators=[term("national_indicator", "ni-10")],
        age_min=4,
    )
    db.session.add(
        OutcomeContribution(
            organisation=museum,
            outcome=term("ecm_outcome", "be-healthy"),
            aims=[term("ecm_aim", "physically-healthy")],
            statement="Walking tours.",
        )
    )
    db.session.commit()
    make_offer(
        museum,
        "Object handling",
        venue="Main hall",
        price_pence=0,
        cost_basis=term("cost_basis", "free"),
        localities=localities(AMBER_VALLEY),
        outcomes=[term("ecm_outcome", "be-healthy")],
        aims=[term("ecm_aim", "physically-healthy")],
        group_size_max=30,
    )
    make_offer(museum, "Unpriced talk")
    make_need(factories.make_body("Derby City Council"), outcomes=[term("ecm_outcome", "be-healthy")])
    award = kitemark_status.KitemarkAward(awarded_on=date(2026, 6, 1), expires_on=date(2027, 5, 31))
    monkeypatch.setattr(kitemark_status, "kitemarked_organisation_ids", lambda: {museum.id})
    monkeypatch.setattr(kitemark_status, "current_award", lambda organisation: award)
    return museum


term_of = term


def _strict(node: Any, *, member: bool = False) -> Any:
    """The schema with no undocumented properties allowed (objects inside ``allOf`` are closed by their parent)."""
    if isinstance(node, list):
        return [_strict(item, member=member) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: _strict(value, member=key == "allOf") for key, value in node.items()}
    if "allOf" in node:
        copy["unevaluatedProperties"] = False
    elif "properties" in node and not member:
        copy["additionalProperties"] = False
    return copy


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    components = _strict(document["components"])
    components["schemas"]["Page"].pop("additionalProperties")  # used inside allOf, so its users close it
    return Draft202012Validator({"components": components, **_strict(schema)})


def _check(client, document: dict[str, Any], path: str, url: str, status: str = "200") -> None:
    response = client.get(url)
    assert str(response.status_code) == status, url
    schema = document["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    errors = [
        f"{list(error.absolute_path)}: {error.message}"
        for error in _validator(document, schema).iter_errors(response.get_json())
    ]
    assert errors == [], url


def test_every_answer_matches_its_documented_schema_exactly(client, world):
    document = _document(client)
    offer = world.offers[0]
    need_id = client.get(f"{PREFIX}/needs").get_json()["contents"][0]["id"]
    lists = ("/organizations", "/services", "/service_at_locations", "/taxonomies", "/taxonomy_terms")
    for path in (*lists, "/kitemarked", "/needs"):
        _check(client, document, path, f"{PREFIX}{path}?per_page=100")
    _check(client, document, "/organizations", f"{PREFIX}/organizations?full_service=true")
    _check(client, document, "/", f"{PREFIX}/")
    organization = serializers.organisation_uuid(world.id)
    _check(client, document, "/organizations/{organization_id}", f"{PREFIX}/organizations/{organization}")
    full = f"{PREFIX}/organizations/{organization}?full_service=true"
    _check(client, document, "/organizations/{organization_id}", full)
    for item in world.offers:
        _check(client, document, "/services/{service_id}", f"{PREFIX}/services/{serializers.service_uuid(item.id)}")
    located = client.get(f"{PREFIX}/service_at_locations").get_json()["contents"][0]["id"]
    _check(
        client, document, "/service_at_locations/{service_at_location_id}", f"{PREFIX}/service_at_locations/{located}"
    )
    taxonomy = serializers.taxonomy_uuid("ecm_aim")
    _check(client, document, "/taxonomies/{taxonomy_id}", f"{PREFIX}/taxonomies/{taxonomy}")
    term = serializers.term_uuid(term_of("ecm_aim", "physically-healthy"))
    _check(client, document, "/taxonomy_terms/{taxonomy_term_id}", f"{PREFIX}/taxonomy_terms/{term}")
    _check(client, document, "/needs/{need_id}", f"{PREFIX}/needs/{need_id}")
    _check(client, document, "/services", f"{PREFIX}/services?page=x", status="400")
    missing = serializers.service_uuid(offer.id + 999)
    _check(client, document, "/services/{service_id}", f"{PREFIX}/services/{missing}", status="404")


def test_every_documented_example_is_accepted(client, world):
    document = _document(client)
    for path, operations in document["paths"].items():
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            real_path = path.replace("{organization_id}", serializers.organisation_uuid(world.id))
            url = f"{PREFIX}{real_path}?{parameter['name']}={parameter['example']}"
            if parameter["name"] == "proximity":  # measured from a postcode, so it needs one
                url += "&postcode=DE1%201BS"
            assert client.get(url).status_code == 200, url


def test_the_docs_page_lists_every_endpoint(client):
    response = client.get(f"{PREFIX}/docs")

    assert response.status_code == 200
    text = text_of(response)
    for path in _document(client)["paths"]:
        assert f"GET /api/v1{path}" in text
    assert "taxonomy_term_id" in text
