"""The directory search page: text, filters with counts, distance, pagination and tolerance of any input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from marketplace.core.clock import today, utcnow
from marketplace.directory.models import (
    Accreditation,
    Consortium,
    Offer,
    OrganisationStatus,
    OutcomeContribution,
    SafeguardingRecord,
)
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark
from marketplace.reference.services import terms_by_code
from marketplace.search.engines.engine import engine_for
from marketplace.search.index.sync import init_search_sync
from tests.client import text_of
from tests.factories import make_organisation
from tests.lookups import locality

PUBLISHED = OrganisationStatus.PUBLISHED
YEAR = timedelta(days=365)


@pytest.fixture
def synced(app):
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    engine.clear()  # the site's index exists (`flask search rebuild`); commits keep it up to date
    return engine


def result_names(response) -> list[str]:
    html = response.get_data(as_text=True)
    results = html.split('id="results"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<h2 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>', results)


def count_for(response, parameter: str, value: str) -> int | None:
    html = response.get_data(as_text=True)
    pattern = (
        rf'name="{parameter}" type="checkbox" value="{re.escape(value)}"[^>]*>\s*'
        r'<label[^>]*>[^<]*<span class="app-facet-count">\((\d+)\)</span>'
    )
    match = re.search(pattern, html)
    return int(match.group(1)) if match else None


@pytest.fixture
def directory(synced):
    """Three published providers with different reach, and a draft that search never shows."""
    outcomes = terms_by_code("ecm_outcome")
    aims = terms_by_code("ecm_aim")
    areas = terms_by_code("service_area")
    groups = terms_by_code("target_group")
    schemes = terms_by_code("accreditation_scheme")
    museum = make_organisation(
        "Derby Museum of Making",
        status=PUBLISHED,
        postcode="DE1 3AR",
        age_min=5,
        age_max=11,
        description="Hands-on making workshops for primary schools.",
    )
    museum.localities.append(locality("E06000015"))  # Derby
    museum.target_groups.append(groups["young-carers"])
    aim = next(aim for aim in aims.values() if aim.parent_id == outcomes["enjoy-and-achieve"].id)
    db.session.add(
        OutcomeContribution(organisation=museum, outcome=outcomes["enjoy-and-achieve"], statement="Pride", aims=[aim])
    )
    db.session.add(SafeguardingRecord(organisation=museum, verified_at=utcnow()))
    db.session.add(Accreditation(organisation=museum, scheme=schemes["museum-accreditation"]))
    offer = Offer(organisation=museum, title="Puppet making", price_pence=1500)
    offer.service_areas.append(areas["schools-support"])
    db.session.add(offer)
    theatre = make_organisation(
        "Lancaster Youth Theatre",
        status=PUBLISHED,
        postcode="LA1 1HH",
        age_min=14,
        age_max=19,
        description="Drama for teenagers who are carers.",
    )
    theatre.organisation_type = terms_by_code("organisation_type")["theatre"]
    theatre.localities.append(locality("E10000017"))  # Lancashire (county)
    db.session.add(Offer(organisation=theatre, title="Summer drama school", price_pence=9000))
    library = make_organisation(
        "Matlock Library", status=PUBLISHED, postcode="DE4 3AG", description="Rhymetime and reading groups."
    )
    library.localities.append(locality("E07000035"))  # Derbyshire Dales (district of Derbyshire)
    make_organisation("Draft Museum of Making")
    db.session.commit()
    return {"museum": museum, "theatre": theatre, "library": library}


def test_text_search_finds_stemmed_words_and_highlights_them(client, directory):
    response = client.get("/search?q=workshop")

    assert response.status_code == 200
    assert result_names(response) == ["Derby Museum of Making"]
    assert "<mark>workshops</mark>" in response.get_data(as_text=True)
    assert "1 result" in text_of(response)


def test_results_link_to_profiles_and_show_badges(client, directory):
    museum = directory["museum"]

    response = client.get("/search?q=making")

    html = response.get_data(as_text=True)
    assert f'href="/organisations/{museum.id}"' in html
    assert "Safeguarding verified" in text_of(response)
    assert "Draft Museum" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("outcome=enjoy-and-achieve", ["Derby Museum of Making"]),
        ("organisation_type=theatre", ["Lancaster Youth Theatre"]),
        ("service_area=schools-support", ["Derby Museum of Making"]),
        ("target_group=young-carers", ["Derby Museum of Making"]),
        ("accreditation=museum-accreditation", ["Derby Museum of Making"]),
        ("kitemarked=1", []),
        ("consortium=1", []),
        ("safeguarding_verified=1", ["Derby Museum of Making"]),
        ("age=16", ["Lancaster Youth Theatre", "Matlock Library"]),
        ("max_price=20", ["Derby Museum of Making"]),
        ("organisation_type=theatre&age=6", []),
        ("organisation_type=theatre&organisation_type=museum&age=16", ["Lancaster Youth Theatre", "Matlock Library"]),
    ],
)
def test_each_filter_narrows_the_results(client, directory, query, expected):
    response = client.get(f"/search?sort=name&{query}")

    assert response.status_code == 200
    assert result_names(response) == expected


def test_the_aim_filter_uses_the_aims_of_outcome_contributions(client, directory):
    aim = directory["museum"].outcome_contributions[0].aims[0]

    response = client.get(f"/search?aim={aim.code}")

    assert result_names(response) == ["Derby Museum of Making"]
    assert count_for(response, "aim", aim.code) == 1


def test_facet_counts_reflect_the_filtered_results(client, directory):
    everything = client.get("/search")
    assert count_for(everything, "organisation_type", "museum") == 2  # the factory makes museums
    assert count_for(everything, "organisation_type", "theatre") == 1
    assert count_for(everything, "target_group", "young-carers") == 1

    narrowed = client.get("/search?age=16")
    assert count_for(narrowed, "organisation_type", "museum") == 1  # the library (a museum type, all ages)
    assert count_for(narrowed, "target_group", "young-carers") is None
    assert count_for(narrowed, "safeguarding_verified", "1") == 0
    assert "2 results" in text_of(narrowed)


def test_a_county_filter_finds_providers_serving_its_districts(client, directory):
    response = client.get("/search?locality=E10000007")  # Derbyshire

    assert result_names(response) == ["Matlock Library"]


def test_a_district_filter_finds_providers_serving_its_county(client, directory):
    response = client.get("/search?locality=E07000121")  # Lancaster, a district of Lancashire

    assert result_names(response) == ["Lancaster Youth Theatre"]


def test_the_postcode_filter_keeps_providers_within_the_distance(client, directory):
    near = client.get("/search?postcode=DE22+1AB&km=25&sort=name")
    assert result_names(near) == ["Derby Museum of Making", "Matlock Library"]
    assert count_for(near, "organisation_type", "theatre") is None

    close = client.get("/search?postcode=de1&km=5")
    assert result_names(close) == ["Derby Museum of Making"]

    far = client.get("/search?postcode=LA1+4YW&km=300&sort=name")
    assert len(result_names(far)) == 3


def test_a_postcode_search_shows_distances_and_sorts_by_them(client, directory):
    response = client.get("/search?postcode=DE1+1AB&km=50&sort=distance")

    assert result_names(response) == ["Derby Museum of Making", "Matlock Library"]
    distances = re.findall(r'app-result-distance">([^<]+)<', response.get_data(as_text=True))
    assert distances[0] == "Less than 1 km away"
    assert distances[1].endswith(" km away") and 15 <= int(distances[1].split()[0]) <= 40
    assert 'value="distance" selected' in response.get_data(as_text=True)


def test_results_show_no_distance_without_a_postcode(client, directory):
    response = client.get("/search?sort=distance")

    assert len(result_names(response)) == 3
    assert "km away" not in text_of(response)


@pytest.mark.parametrize(("km", "message"), [("501", "Distance must be between 1 and 500 km"), ("ten", "whole number")])
def test_a_distance_out_of_range_is_an_error_not_a_silent_reset(client, directory, km, message):
    response = client.get("/search", query_string={"postcode": "DE1 1AB", "km": km})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and message in text_of(response)
    assert f'id="filter-km" name="km" type="text" inputmode="numeric" value="{km}"' in html
    assert len(result_names(response)) == 3  # not limited by distance, and it says so
    assert "not limited by distance" in text_of(response)


def test_a_search_with_no_results_keeps_every_filter_to_choose(client, directory):
    response = client.get("/search?q=nothingmatchesthis&organisation_type=theatre")

    assert result_names(response) == []
    assert count_for(response, "organisation_type", "museum") == 0
    assert 'value="theatre" checked' in response.get_data(as_text=True)


@pytest.mark.parametrize("postcode", ["NOT A POSTCODE", "ZZ99 9ZZ"])
def test_a_bad_postcode_shows_a_message_not_an_error(client, directory, postcode):
    response = client.get("/search", query_string={"postcode": postcode, "km": "10"})

    assert response.status_code == 200
    assert "We could not find the postcode" in text_of(response)
    assert len(result_names(response)) == 3


@pytest.mark.parametrize(
    "query",
    [
        "age=abc&page=-1",
        "outcome=%3Cscript%3Ealert(1)%3C/script%3E",
        "page=99999&km=-4&max_price=lots&sort=drop+table",
        "locality=NOWHERE&kitemarked=yes&postcode=" + "X" * 500,
        'q=%22unbalanced+AND+(OR+NOT*+title:"',
        "q=caf%C3%A9+%E2%98%83+%F0%9F%8E%AD",
        "q=%FF%FE",
    ],
)
def test_junk_parameters_are_ignored_safely(client, directory, query):
    response = client.get(f"/search?{query}")

    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


def test_ten_kilobytes_of_text_is_a_normal_page(client, directory):
    response = client.get("/search", query_string={"q": "making " * 1500})

    assert response.status_code == 200
    assert result_names(response) == ["Derby Museum of Making"]


def test_pagination_links_keep_the_filters(client, synced):
    for number in range(23):
        make_organisation(f"Gallery {number:02}", status=PUBLISHED)

    first = client.get("/search?q=gallery&sort=name")
    second = client.get("/search?q=gallery&sort=name&page=2")

    assert "23 results" in text_of(first)
    assert 'class="govuk-pagination"' in first.get_data(as_text=True)
    assert "page=2" in first.get_data(as_text=True) and "q=gallery" in first.get_data(as_text=True)
    assert result_names(second) == ["Gallery 20", "Gallery 21", "Gallery 22"]


def test_a_consortium_result_links_to_its_page(client, directory):
    consortium = Consortium(name="Peak Making Partnership", lead_organisation=directory["museum"])
    db.session.add(consortium)
    db.session.commit()

    response = client.get("/search?q=partnership")

    assert result_names(response) == ["Peak Making Partnership"]
    assert f'href="/consortia/{consortium.id}"' in response.get_data(as_text=True)
    assert "Consortium" in text_of(response)


def test_a_missing_index_shows_that_search_is_unavailable(client, app):
    response = client.get("/search?q=museum")

    assert response.status_code == 200
    assert "Search is temporarily unavailable" in text_of(response)
    assert 'href="/organisations"' in response.get_data(as_text=True)


def test_a_broken_index_shows_that_search_is_unavailable(client, directory, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("index corrupted")

    monkeypatch.setattr(type(engine_for(client.application)), "search", broken)

    response = client.get("/search?q=museum")

    assert response.status_code == 200
    assert "Search is temporarily unavailable" in text_of(response)


def test_a_page_of_results_takes_the_same_few_queries_however_many_results(client, synced):
    """Badges, types and reference data come in batches: no query per result row (it was ~55 a page)."""
    gallery = terms_by_code("organisation_type")["gallery"]
    for number in range(25):
        organisation = make_organisation(f"Counted Gallery {number}", status=PUBLISHED, description="Print making")
        organisation.organisation_type = gallery
        db.session.add(SafeguardingRecord(organisation=organisation, verified_at=utcnow()))
        if number % 2:
            db.session.add(Kitemark(organisation=organisation, awarded_on=today(), expires_on=today() + YEAR))
    db.session.commit()
    client.get("/search?q=making")  # reference data is read once, then cached
    statements: list[str] = []

    def count(connection, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/search?q=making&organisation_type=gallery")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    names = result_names(response)
    html = response.get_data(as_text=True)
    rows = re.findall(r'<p class="govuk-body-s govuk-!-margin-bottom-1">(Gallery.*?)</p>', html)
    assert len(names) == 20 and len(rows) == 20
    assert sum("Safeguarding verified" in row for row in rows) == 20
    kitemarked = sum("Kitemarked: awarded" in row for row in rows)
    assert kitemarked == sum(int(name.rsplit(" ", 1)[1]) % 2 for name in names) > 0
    assert len(statements) <= 4, statements  # organisations with type and safeguarding, kitemarks, consortia


def test_a_renamed_reference_term_shows_on_the_next_search(client, directory):
    assert "Theatre" in text_of(client.get("/search"))
    theatre = terms_by_code("organisation_type")["theatre"]
    theatre.label = "Theatre and performance"
    db.session.commit()

    assert "Theatre and performance" in text_of(client.get("/search"))
