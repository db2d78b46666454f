"""Nearness from the derived reference files: centres, ceremonial counties, neighbours, distances, idempotent load."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.reference.geography import (
    distance_to_area_km,
    locality_by_code,
    nearby_localities,
    postcode_point,
)
from marketplace.reference.models import locality_neighbour
from marketplace.reference.services import load_geography

SOUTHAMPTON, HAMPSHIRE, EASTLEIGH, YORK, NORTH_YORKSHIRE = (
    "E06000045",
    "E10000014",
    "E07000086",
    "E06000014",
    "E06000065",
)
BRIGHTON, EAST_SUSSEX, DERBY, LEICESTER, CORNWALL = "E06000043", "E10000011", "E06000015", "E06000016", "E06000052"


def names(found: dict) -> dict[str, str]:
    return {place.name: how for place, (how, _) in found.items()}


def test_unitary_cities_are_linked_to_the_ceremonial_county_around_them(app):
    for city, county in ((SOUTHAMPTON, HAMPSHIRE), (YORK, NORTH_YORKSHIRE), (BRIGHTON, EAST_SUSSEX)):
        assert locality_by_code(city).ceremonial_county == locality_by_code(county)
    near_hampshire = names(nearby_localities([locality_by_code(HAMPSHIRE)]))
    assert near_hampshire["Southampton"] == "ceremonial" and near_hampshire["Portsmouth"] == "ceremonial"
    assert names(nearby_localities([locality_by_code(YORK)]))["North Yorkshire"] == "ceremonial"


def test_neighbours_are_derived_from_postcodes_both_ways_and_never_include_the_area_itself(app):
    southampton = locality_by_code(SOUTHAMPTON)
    assert {"Eastleigh", "Test Valley", "New Forest"} <= {n.name for n in southampton.neighbours}
    assert southampton in locality_by_code(EASTLEIGH).neighbours
    near_derby = names(nearby_localities([locality_by_code(DERBY)]))
    assert "Derby" not in near_derby and near_derby["Amber Valley"] == "neighbour"
    assert "Cornwall" not in near_derby and "Leicester" not in near_derby


def test_district_need_does_not_count_its_own_county_as_nearby(app):
    near = names(nearby_localities([locality_by_code(EASTLEIGH)]))
    assert "Hampshire" not in near  # it overlaps Eastleigh: in the area, not near it
    assert near["Southampton"] == "ceremonial"


def test_distance_from_a_postcode_to_an_area_is_to_its_nearest_outcode(app):
    point = postcode_point("SO14 7DU")
    assert point is not None and point[2] == SOUTHAMPTON
    assert distance_to_area_km(point[:2], [locality_by_code(SOUTHAMPTON)]) < 3
    assert 2 < distance_to_area_km(point[:2], [locality_by_code(HAMPSHIRE)]) < 10
    assert distance_to_area_km(point[:2], [locality_by_code(CORNWALL)]) > 150
    assert postcode_point("not a postcode") is None and distance_to_area_km(None, [locality_by_code(DERBY)]) is None


def test_loading_geography_again_changes_nothing(app):
    pairs = db.session.scalar(select(func.count()).select_from(locality_neighbour))
    report = load_geography()
    assert (report.created, report.updated) == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(locality_neighbour)) == pairs > 1000
    assert locality_by_code(LEICESTER).easting is not None
