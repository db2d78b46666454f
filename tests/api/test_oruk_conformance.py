"""Open Referral UK 3.0 conformance, proven the validator's way with the profile's own schemas.

Each directory is built once per module (the demo data, and a generated 2,000-organisation directory through
the importer) in a database of its own; the walk (tests/api/oruk.py) then fetches the root, the first, a middle
and the last page of every list path of the profile and an item from each, validating every answer with format
checks on. Requests run without an open app context, so nothing cached on ``g`` outlives its request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from marketplace import create_app
from marketplace.demo.services import load_demo
from marketplace.directory.importer import import_directory
from marketplace.extensions import db
from scripts.generate_directory import generate
from tests.api.oruk import PROFILE, walk
from tests.databases import copy_of


def _directory_app(template_database, folder, build: Callable[[Flask], Any]) -> Iterator[Flask]:
    with copy_of(template_database, folder, name="oruk") as url:
        app = create_app(
            "testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(folder / "u"), SEARCH_INDEX_DIR=str(folder / "s")
        )
        with app.app_context():
            build(app)
            db.session.remove()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def demo_app(template_database, tmp_path_factory) -> Iterator[Flask]:
    yield from _directory_app(
        template_database, tmp_path_factory.mktemp("demo"), lambda app: load_demo(app.config["DEMO_PASSWORD"])
    )


@pytest.fixture(scope="module")
def generated_app(template_database, tmp_path_factory) -> Iterator[Flask]:
    def build(app: Flask) -> None:
        report = import_directory(generate(2000, seed=18))
        assert not report.rejected

    yield from _directory_app(template_database, tmp_path_factory.mktemp("generated"), build)


def _assert_conforms(app: Flask) -> None:
    result = walk(app.test_client())
    assert result.failures == {}, result.summary()
    # Root, then for each of the four list paths at least its first page and one item.
    assert len(result.fetched) >= 1 + 2 * (len(PROFILE["paths"]) - 1) // 2


def test_the_demo_directory_conforms_to_the_profile(demo_app):
    _assert_conforms(demo_app)


def test_a_generated_directory_of_2000_organisations_conforms_to_the_profile(generated_app):
    _assert_conforms(generated_app)


def test_the_root_declares_the_profile_version_and_where_the_api_is_described(demo_app):
    body = demo_app.test_client().get("/api/v1/").get_json()

    assert body["version"] == "HSDS-UK-3.0"
    assert body["openapi_url"].endswith("/api/v1/openapi.json")


def test_the_walk_catches_what_the_profile_forbids(demo_app, monkeypatch):
    """The walk is not vacuous: a null optional string, a non-UUID id and a wrong version each fail it."""
    from marketplace.api import serializers

    original = serializers.service_list_item
    monkeypatch.setattr(serializers, "service_list_item", lambda offer: {**original(offer), "fees": None, "id": "7"})
    monkeypatch.setattr("marketplace.api.openapi.ORUK_VERSION", "HSDS-UK-1.0")

    result = walk(demo_app.test_client())

    errors = "\n".join(error for errors in result.failures.values() for error in errors)
    assert "None is not of type 'string'" in errors
    assert "'7' is not a 'uuid'" in errors
    assert "version is 'HSDS-UK-1.0'" in errors
    assert {"/", "/services"} <= result.failing_paths
    assert "/taxonomies" not in result.failing_paths
