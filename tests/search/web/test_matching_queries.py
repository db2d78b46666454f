"""The matches page costs the same number of SQL queries however many candidates a need has (issue 15).

It once re-read each candidate's localities and offers and ran two consortium queries per organisation: about
6,000 queries for a broad need at 50,000 organisations. Now the candidates' documents and facts come from one
batch (a query per related kind) and the track record from one query for the results shown.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from marketplace.extensions import db
from tests.factories import make_body, make_commissioner, make_need
from tests.lookups import locality
from tests.search.web.test_matching import AMBER_VALLEY, DERBY, DERBYSHIRE, load, org_record

# Some serve Derby itself, others only the county around it (placed "nearby", with the distance from their base).
# Counties, their districts, unitary cities with ceremonial counties, and their neighbours: every kind of area.
REGION = ("E10000007", "E07000035", "E06000018", "E10000024", "E06000016", "E10000018", "E10000014", "E06000045")
PLACES = ((DERBY, "DE1 1BS"), (AMBER_VALLEY, "DE56 1AA"), (DERBYSHIRE, "S40 1LP"), (DERBYSHIRE, "SK17 6AA"))


def records(start: int, stop: int) -> list[dict]:
    found = []
    for number in range(start, stop):
        code, postcode = PLACES[number % len(PLACES)]
        record = org_record(f"provider-{number}", f"Provider {number} Arts", localities=[code])
        found.append({**record, "postcode": postcode})
    return found


def consortium(number: int, members: list[int]) -> dict:
    refs = [f"provider-{member}" for member in members]
    return {"ref": f"partners-{number}", "name": f"Partners {number}", "lead": refs[0], "members": refs}


@contextmanager
def counted():
    statements: list[str] = []

    def note(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def matches_page_queries(client, path: str) -> tuple[int, str]:
    db.session.expunge_all()  # as in a fresh request: nothing the test itself loaded is at hand
    with counted() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_the_matches_page_costs_the_same_queries_for_10_and_60_candidates(app, client):
    body = make_body("Derby Children's Services")
    need = make_need(body, consortium_welcome=True)
    client.sign_in(make_commissioner(body).email)
    path = f"/commissioner/needs/{need.id}/matches"
    load(app, *records(0, 10), consortia=[consortium(1, [0, 1, 2])])
    client.get(path)  # the first request of a process reads the outcode centres once (cached from then on)
    few, page = matches_page_queries(client, path)
    assert page.count('class="govuk-heading-m') == 11  # 10 providers and the consortium

    load(app, *records(10, 60), consortia=[consortium(2, [10, 11, 12, 13]), consortium(3, [20, 21])])
    many, page = matches_page_queries(client, path)

    assert page.count('class="govuk-heading-m') == 20  # the top 20 of 63 candidates
    assert "km from the need&#39;s area" in page or "km from the need's area" in page  # nearby ones were placed
    assert many == few


def test_a_regional_need_costs_the_same_queries_as_a_need_with_two_areas(app, client):
    """A need's areas, their counties, districts, neighbours and ceremonial relatives are read for all the areas at
    once (a regional need names dozens of authorities; it once cost about 120 queries)."""
    body = make_body("Derby Children's Services")
    client.sign_in(make_commissioner(body).email)
    load(app, *records(0, 12), consortia=[consortium(1, [0, 1, 2])])
    two = make_need(body, localities=[locality(DERBY), locality(AMBER_VALLEY)])
    many = make_need(body, localities=[locality(code) for code in (DERBY, AMBER_VALLEY, *REGION)])
    two_areas, region = (f"/commissioner/needs/{need.id}/matches" for need in (two, many))
    client.get(two_areas)  # reads the outcode centres once (cached from then on)
    few, _ = matches_page_queries(client, two_areas)
    more, page = matches_page_queries(client, region)
    assert page.count('class="govuk-heading-m') == 13  # 12 providers and the consortium
    assert more == few
