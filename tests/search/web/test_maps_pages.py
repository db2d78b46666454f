"""The maps on the search page (results near a postcode) and on the area overview (providers by outcode)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.search.engines.engine import engine_for
from marketplace.search.index.sync import init_search_sync
from tests.factories import make_body, make_commissioner, make_organisation
from tests.lookups import locality

PUBLISHED = OrganisationStatus.PUBLISHED
DERBYSHIRE, DERBY, CHESTERFIELD = "E10000007", "E06000015", "E07000034"


def map_of(html: str, map_id: str) -> str | None:
    match = re.search(rf'<svg[^>]*id="{map_id}".*?</svg>', html, re.S)
    return match[0] if match else None


def dot_titles(svg: str) -> list[str]:
    return re.findall(r'<g class="app-map__dot"><circle[^>]*><title>([^<]*)</title>', svg)


@pytest.fixture
def directory(app):
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine_for(app).clear()
    for name, postcode, served in [
        ("Derby Museum of Making", "DE1 3AR", DERBY),
        ("Derby Theatre", "DE1 2NF", DERBY),
        ("Matlock Library <Branch>", "DE4 3AG", DERBYSHIRE),
        ("Chesterfield Museum", "S40 1LD", CHESTERFIELD),
        ("No Postcode Gallery", None, DERBYSHIRE),
        ("Lancaster Youth Theatre", "LA1 1HH", "E10000017"),
    ]:
        make_organisation(name, status=PUBLISHED, postcode=postcode, localities=[locality(served)])
    make_organisation("Draft Archive", postcode="DE1 1AA", localities=[locality(DERBY)])
    db.session.commit()


def test_a_postcode_search_shows_a_map_of_its_results_with_the_radius(client, directory):
    html = client.get("/search?postcode=de1+1ab&km=50").get_data(as_text=True)

    svg = map_of(html, "results-map")
    assert svg is not None
    assert 'role="img"' in svg and 'aria-labelledby="results-map-title results-map-desc"' in svg
    assert "Map of the results on this page within 50 km of DE1 1AB" in svg
    assert 'class="app-map__radius"' in svg
    assert sorted(dot_titles(svg)) == [
        "DE1: Derby Museum of Making, Derby Theatre",
        "DE4: Matlock Library &lt;Branch&gt;",
        "S40: Chesterfield Museum",
    ]
    assert html.index('id="results"') < html.index('id="results-map"')  # the list comes first


def test_no_map_without_a_postcode_or_with_one_we_cannot_place_or_without_results(client, directory):
    for query in ("q=museum", "postcode=ZZ99+9ZZ", "postcode=DE1&km=1&q=nothingmatches"):
        assert map_of(client.get(f"/search?{query}").get_data(as_text=True), "results-map") is None, query


@pytest.fixture
def commissioner(directory):
    body = make_body("Derbyshire Children's Services", locality=locality(DERBYSHIRE))
    return make_commissioner(body, email="commissioner@derbyshire.example")


def test_the_area_overview_maps_its_providers_by_outcode(client, commissioner):
    client.sign_in(commissioner.email)
    html = client.get(f"/commissioner/area?locality={DERBYSHIRE}").get_data(as_text=True)

    svg = map_of(html, "area-map")
    assert svg is not None and 'role="img"' in svg
    assert "Map of where the providers serving Derbyshire are based" in svg
    # Derbyshire's own providers and those serving its districts; Derby (a unitary city) is not in the county.
    assert sorted(dot_titles(svg)) == ["DE4: Matlock Library &lt;Branch&gt;", "S40: Chesterfield Museum"]
    assert "1 without a known postcode not shown" in svg  # No Postcode Gallery
    assert 'class="app-map__radius"' not in svg
    assert html.index('id="area-map"') < html.index('id="providers"')


def test_the_area_map_groups_many_providers_without_more_queries(client, commissioner):
    for number in range(30):
        make_organisation(f"Extra {number}", status=PUBLISHED, postcode="S40 1AA", localities=[locality(CHESTERFIELD)])
    db.session.commit()
    client.sign_in(commissioner.email)
    client.get(f"/commissioner/area?locality={CHESTERFIELD}")  # warms the reference caches
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        html = client.get(f"/commissioner/area?locality={CHESTERFIELD}").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    svg = map_of(html, "area-map")
    assert re.search(r"<text[^>]*>31</text>", svg)  # one dot for S40, labelled with its 31 providers
    assert "S40: Chesterfield Museum, Extra 0, Extra 1, Extra 10, Extra 11 and 26 more" in svg
    assert len(statements) <= 25, len(statements)
