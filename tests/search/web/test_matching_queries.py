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
from tests.search.web.test_matching import AMBER_VALLEY, DERBY, DERBYSHIRE, load, org_record

# Some serve Derby itself, others only the county around it (placed "nearby", with the distance from their base).
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
