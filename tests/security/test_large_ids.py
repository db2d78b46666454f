"""Ids beyond a database integer are a 404 on every route that takes one (walks the url map), for GET and POST,
signed in as an admin (who may reach the most); and a framework file that would tie up a worker is refused with a
clear problem instead of a 500."""

from __future__ import annotations

import io
import json

import pytest

from marketplace.commissioning.frameworks.importer import MAX_ITEMS, FrameworkFileError, read_framework_file
from tests import factories
from tests.security.conftest import client_for, object_arguments, routes

TOO_BIG = [2**31, 2**63, 2**64 + 5]


@pytest.mark.parametrize("value", TOO_BIG)
def test_every_integer_id_route_answers_404_for_an_id_beyond_a_database_integer(app, security_world, value):
    client = client_for(app, security_world, "admin")
    tried, problems = 0, []
    for rule, method in routes(app, {"GET", "POST"}):
        ids = object_arguments(rule)
        if not ids:
            continue
        args = {name: security_world.url_args.get(name, 1) for name in rule.arguments}
        args.update({name: value for name in ids})
        url = rule.build(args, append_unknown=False)[1]
        response = client.open(url, method=method)
        tried += 1
        if response.status_code != 404:
            problems.append(f"{method} {url}: {response.status_code}")

    assert problems == []
    assert tried >= 30


def test_the_largest_database_integer_is_still_routed(app, security_world):
    response = client_for(app, security_world, "admin").get(f"/organisations/{2**31 - 1}")

    assert response.status_code == 404  # no such row, but routed and looked up without an error


def test_json_nested_too_deeply_is_refused_with_a_clear_problem(app):
    content = b'{"name": "x", "themes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    with pytest.raises(FrameworkFileError) as caught:
        read_framework_file("framework.json", content)

    assert caught.value.problems == ["The file is nested too deeply to be a framework: check its brackets"]


def _framework(measures: int) -> bytes:
    outcome = {"title": "Outcome", "measures": [{"title": f"Measure {n}"} for n in range(measures)]}
    return json.dumps(
        {"name": "Big", "themes": [{"title": "Theme", "aims": [{"title": "Aim", "outcomes": [outcome]}]}]}
    )


def test_a_framework_with_too_many_items_is_refused_before_it_is_checked_or_saved(app):
    with pytest.raises(FrameworkFileError) as caught:
        read_framework_file("framework.json", _framework(MAX_ITEMS).encode())

    assert caught.value.problems == [
        f"The file has more than {MAX_ITEMS:,} themes, aims, outcomes and measures: split the framework"
    ]


def test_the_upload_page_shows_the_problem_for_a_deeply_nested_file(app, client):
    client.sign_in(factories.make_commissioner(factories.make_body("Derby Children's Services")).email)
    content = b'{"name": "x", "themes": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"

    response = client.submit(
        "/commissioner/frameworks/import",
        {"framework_file": (io.BytesIO(content), "deep.json"), "name": ""},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert "nested too deeply" in response.get_data(as_text=True)
