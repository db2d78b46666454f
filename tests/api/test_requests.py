"""Parameter validation (400 with a JSON body naming each problem), JSON errors and open-data headers."""

from __future__ import annotations

import pytest

from marketplace.core.roles import Role
from marketplace.extensions import db
from tests import factories
from tests.api.addresses import org_url
from tests.client import get_json
from tests.factories import make_published

LIST_URLS = ["/api/v1/organizations", "/api/v1/services", "/api/v1/kitemarked", "/api/v1/needs"]


@pytest.mark.parametrize(
    ("query", "parameter", "problem"),
    [
        ("colour=blue", "colour", "is not a parameter of this endpoint"),
        ("sort=name", "sort", "is not a parameter of this endpoint"),
        ("page=0", "page", "must be 1 or more"),
        ("page=two", "page", "must be a whole number"),
        ("page=1&page=2", "page", "must be given at most once"),
        ("per_page=101", "per_page", "must be 100 or less"),
        ("per_page=-5", "per_page", "must be a whole number"),
        ("age=26", "age", "must be 25 or less"),
        ("age=7.5", "age", "must be a whole number"),
        ("locality=Derby", "locality", "must look like E07000032"),
        ("locality=E99999999", "locality", "no English local authority has the ONS code E99999999"),
        ("taxonomy_term_id=ecm_outcome:be-wealthy", "taxonomy_term_id", "no taxonomy term 'ecm_outcome:be-wealthy'"),
        ("q=" + "x" * 201, "q", "must be at most 200 characters"),
    ],
)
@pytest.mark.parametrize("url", LIST_URLS)
def test_a_bad_parameter_is_a_400_naming_it(client, url, query, parameter, problem):
    body = get_json(client, f"{url}?{query}", status=400)

    assert body["error"]["status"] == 400
    assert [item["name"] for item in body["error"]["parameters"]] == [parameter]
    assert body["error"]["parameters"][0]["problem"].startswith(problem)
    assert body["error"]["detail"].startswith(f"{parameter}: {problem}")


def test_every_problem_is_reported_at_once(client):
    body = get_json(client, "/api/v1/services?page=0&age=old&organization_id=x", status=400)

    assert {item["name"] for item in body["error"]["parameters"]} == {"page", "age", "organization_id"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organizations/6f2c8a7e-3b0d-5c1e-9a4f-0d2b7e8c1a55?full=true",
        "/api/v1/services/6f2c8a7e-3b0d-5c1e-9a4f-0d2b7e8c1a55?q=x",
        "/api/v1/taxonomy_terms?vocabulary=colours",
        "/api/v1/needs/1?page=1",
        "/api/v1/openapi.json?format=yaml",
        "/api/v1/taxonomies?vocabulary=colours",
        "/api/v1/organizations?organization_id=1",
    ],
)
def test_parameters_an_endpoint_does_not_take_are_refused(client, url):
    assert get_json(client, url, status=400)["error"]["status"] == 400


def test_empty_text_parameters_count_as_absent(client):
    make_published("Open Museum")

    page = get_json(client, "/api/v1/organizations?q=&locality=&taxonomy_term_id=")

    assert page["total_items"] == 1


def test_unknown_api_paths_and_methods_answer_json(client):
    assert get_json(client, "/api/v1/providers", status=404)["error"]["status"] == 404
    response = client.post("/api/v1/organizations")
    assert (response.status_code, response.get_json()["error"]["status"]) == (405, 405)


def test_answers_carry_open_data_headers_and_revalidate_by_etag(client):
    make_published("Open Museum")

    response = client.get("/api/v1/organizations")
    again = client.get("/api/v1/organizations", headers={"If-None-Match": response.headers["ETag"]})

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers
    assert (again.status_code, again.data) == (304, b"")


def test_a_change_shows_at_once_despite_a_cached_copy(client):
    museum = make_published("Open Museum")
    etag = client.get("/api/v1/organizations").headers["ETag"]
    museum.description = "Now with a café."
    db.session.commit()

    response = client.get("/api/v1/organizations", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.get_json()["contents"][0]["description"] == "Now with a café."


def test_errors_are_never_cached(client):
    response = client.get("/api/v1/organizations?page=0")

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_signed_in_user_gets_the_same_public_answer(client):
    museum = make_published("Open Museum")
    anonymous = get_json(client, org_url(museum))
    client.sign_in(factories.make_user(Role.ADMIN).email)

    assert get_json(client, org_url(museum)) == anonymous
