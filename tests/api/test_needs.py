"""Open needs: only open ones, filtered like the opportunities board."""

from __future__ import annotations

import pytest

from marketplace.commissioning.models import NeedStatus
from marketplace.extensions import db
from tests import factories
from tests.client import get_json, names
from tests.factories import make_need
from tests.lookups import AMBER_VALLEY, DERBY, DERBYSHIRE, term
from tests.lookups import localities as places


@pytest.fixture
def body():
    return factories.make_body("Derbyshire County Council")


def test_only_open_needs_are_listed_and_found(client, body):
    open_need = make_need(body, title="Open short breaks")
    hidden = [make_need(body, title=f"{status} need", status=status) for status in ("draft", "closed", "cancelled")]

    page = get_json(client, "/api/v1/needs")

    assert names(page, "title") == ["Open short breaks"]
    detail = get_json(client, f"/api/v1/needs/{open_need.id}")
    assert detail["commissioning_body"] == {"name": "Derbyshire County Council"}
    assert detail["budget"] == {"minimum": 5000.0, "maximum": 10000.0, "currency": "GBP"}
    assert detail["kind"]["key"] == "need_kind:short-breaks"
    assert detail["url"] == f"http://127.0.0.1:5000/needs/{open_need.id}"
    for need in hidden:
        assert get_json(client, f"/api/v1/needs/{need.id}", status=404)["error"]["status"] == 404


def test_locality_matches_a_county_and_its_districts_both_ways(client, body):
    make_need(body, title="County-wide need", localities=places(DERBYSHIRE))
    make_need(body, title="Amber Valley need", localities=places(AMBER_VALLEY))
    make_need(body, title="Derby need", localities=places(DERBY))

    in_district = get_json(client, f"/api/v1/needs?locality={AMBER_VALLEY}")
    in_county = get_json(client, f"/api/v1/needs?locality={DERBYSHIRE}")

    assert sorted(names(in_district, "title")) == ["Amber Valley need", "County-wide need"]
    assert sorted(names(in_county, "title")) == ["Amber Valley need", "County-wide need"]


def test_filters_by_term_age_and_text(client, body):
    make_need(body, title="Healthy minds", outcomes=[term("ecm_outcome", "be-healthy")], age_min=11, age_max=16)
    make_need(body, title="Early years stories", description="Library rhyme times", age_min=0, age_max=5)

    assert names(get_json(client, "/api/v1/needs?taxonomy_term_id=be-healthy"), "title") == ["Healthy minds"]
    assert names(get_json(client, "/api/v1/needs?age=3"), "title") == ["Early years stories"]
    assert names(get_json(client, "/api/v1/needs?q=rhyme"), "title") == ["Early years stories"]
    by_kind = get_json(client, "/api/v1/needs?taxonomy_term_id=need_kind:short-breaks")
    assert by_kind["total_items"] == 2


def test_an_awarded_need_is_gone(client, body):
    need = make_need(body, title="Awarded need")
    need.status = NeedStatus.AWARDED
    db.session.commit()

    assert get_json(client, "/api/v1/needs")["empty"] is True
