"""``reference.geography``: which authorities' providers count as serving an area, for every tier of the data."""

from __future__ import annotations

import pytest

from marketplace.reference.geography import (
    ONS_CODE,
    locality_by_code,
    overlapping,
    overlapping_codes,
    overlapping_ids,
    overlapping_localities,
    served_localities,
)

DERBYSHIRE = "E10000007"  # county
DERBYSHIRE_DISTRICTS = {f"E0700003{n}" for n in range(2, 10)}  # Amber Valley … South Derbyshire
AMBER_VALLEY = "E07000032"  # one of Derbyshire's districts
CHESTERFIELD = "E07000034"
DERBY = "E06000015"  # unitary city inside the ceremonial county, outside the council's area
MANCHESTER = "E08000003"  # metropolitan district
WESTMINSTER = "E09000033"  # London borough
HAMPSHIRE = "E10000014"
SOUTHAMPTON = "E06000045"


def codes_of(area) -> set[str]:
    return {locality.ons_code for locality in overlapping_localities(area)}


def test_a_county_overlaps_itself_and_each_of_its_districts(app):
    assert codes_of(DERBYSHIRE) == {DERBYSHIRE, *DERBYSHIRE_DISTRICTS}


def test_a_district_overlaps_itself_and_its_county_but_not_its_sibling_districts(app):
    assert codes_of(AMBER_VALLEY) == {AMBER_VALLEY, DERBYSHIRE}
    assert CHESTERFIELD not in codes_of(AMBER_VALLEY)


@pytest.mark.parametrize(
    ("code", "tier"),
    [
        (DERBY, "unitary"),
        (SOUTHAMPTON, "unitary"),
        (MANCHESTER, "metropolitan_district"),
        (WESTMINSTER, "london_borough"),
    ],
)
def test_a_single_tier_authority_overlaps_only_itself(app, code, tier):
    assert locality_by_code(code).tier == tier
    assert codes_of(code) == {code}


def test_a_unitary_city_and_the_county_council_around_it_do_not_overlap(app):
    assert SOUTHAMPTON not in codes_of(HAMPSHIRE)
    assert HAMPSHIRE not in codes_of(SOUTHAMPTON)


@pytest.mark.parametrize("code", ["E99999999", "E1000000", "W06000015", "DROP TABLE", "", None, "E10000007" * 50])
def test_an_unknown_or_malformed_code_overlaps_nothing(app, code):
    assert overlapping_localities(code) == set()
    assert overlapping_ids(code) == set()


def test_a_locality_and_its_code_give_the_same_answer(app):
    amber_valley = locality_by_code(AMBER_VALLEY)

    assert overlapping_localities(amber_valley) == overlapping_localities(AMBER_VALLEY)
    assert overlapping_ids(amber_valley) == {amber_valley.id, amber_valley.parent.id}


def test_codes_for_several_areas_are_the_union_of_each(app):
    areas = [locality_by_code(AMBER_VALLEY), locality_by_code(DERBY)]

    assert overlapping_codes(areas) == {AMBER_VALLEY, DERBYSHIRE, DERBY}
    assert overlapping_codes([]) == set()


@pytest.mark.parametrize("typed", [" e06000015 ", "E06000015", "e06000015"])
def test_a_code_is_found_whatever_its_case_and_surrounding_spaces(app, typed):
    assert locality_by_code(typed).name == "Derby"


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("E06000015", True),
        ("E10000007", True),
        ("E6000015", False),
        ("E060000150", False),
        ("e06000015", False),
        ("W06000015", False),  # Wales: not an English authority
    ],
)
def test_the_ons_code_pattern_takes_english_authority_codes_only(code, valid):
    assert bool(ONS_CODE.match(code)) is valid


def served_codes(*codes: str) -> set[str]:
    return {locality.ons_code for locality in served_localities([locality_by_code(code) for code in codes])}


def test_a_provider_serving_a_county_serves_each_of_its_districts(app):
    assert served_codes(DERBYSHIRE) == {DERBYSHIRE, *DERBYSHIRE_DISTRICTS}


def test_a_provider_serving_a_district_does_not_serve_its_whole_county(app):
    assert served_codes(AMBER_VALLEY) == {AMBER_VALLEY}


def test_what_a_provider_serves_is_what_it_picked_and_the_districts_of_its_counties(app):
    assert served_codes(DERBY, WESTMINSTER, AMBER_VALLEY, DERBYSHIRE) == {
        DERBY,
        WESTMINSTER,
        DERBYSHIRE,
        *DERBYSHIRE_DISTRICTS,
    }
    assert served_localities([]) == set()


def test_the_rule_reads_the_same_over_codes_as_over_rows(app):
    for code in (DERBYSHIRE, AMBER_VALLEY, DERBY, WESTMINSTER):
        row = locality_by_code(code)
        county = row.parent.ons_code if row.parent else None
        by_code = overlapping(code, county, [district.ons_code for district in row.districts])

        assert by_code == codes_of(row), code
