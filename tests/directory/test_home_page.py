"""The home page shows what is on offer: counts by outcome and area, the kitemarked count and recent needs,
each linking to the search (or the need) that lists what it counts, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from marketplace.commissioning.models import NeedStatus
from marketplace.core.clock import today, utcnow
from marketplace.directory.models import Offer, OrganisationStatus, OutcomeContribution
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark, KitemarkStatus
from marketplace.reference.services import terms_by_code
from marketplace.search.engines.engine import engine_for
from marketplace.search.index.maintenance import rebuild
from marketplace.search.index.sync import init_search_sync
from tests.client import text_of
from tests.factories import make_body, make_need, make_organisation
from tests.lookups import locality

PUBLISHED = OrganisationStatus.PUBLISHED
DERBYSHIRE, CHESTERFIELD, DERBY = "E10000007", "E07000034", "E06000015"


def _organisation(name: str, served: str, *, outcomes=(), offer_outcomes=(), status=PUBLISHED):
    ecm = terms_by_code("ecm_outcome")
    organisation = make_organisation(name, status=status, localities=[locality(served)])
    organisation.outcome_contributions = [OutcomeContribution(outcome=ecm[code]) for code in outcomes]
    if offer_outcomes:
        organisation.offers = [Offer(title=f"{name} offer", outcomes=[ecm[code] for code in offer_outcomes])]
    db.session.commit()
    return organisation


def _kitemark(organisation, *, expires_in_days: int = 200, status: str = KitemarkStatus.ACTIVE) -> None:
    awarded = today() - timedelta(days=30)
    db.session.add(
        Kitemark(
            organisation=organisation,
            awarded_on=awarded,
            expires_on=today() + timedelta(days=expires_in_days),
            status=status,
        )
    )
    db.session.commit()


def _row(html: str, row_id: str) -> tuple[str, str, int]:
    match = re.search(
        rf'<tr class="govuk-table__row" id="{row_id}">.*?href="([^"]+)">([^<]+)</a>.*?<td[^>]*>(\d+)</td>', html, re.S
    )
    assert match, row_id
    return match[1].replace("&amp;", "&"), match[2], int(match[3])


@pytest.fixture
def offer(app):
    museum = _organisation("Chesterfield Museum", CHESTERFIELD, outcomes=["be-healthy"], offer_outcomes=["be-healthy"])
    _organisation("Peak Arts", DERBYSHIRE, offer_outcomes=["be-healthy", "stay-safe"])
    derby = _organisation("Derby Library", DERBY, outcomes=["enjoy-and-achieve"])
    draft = _organisation("Draft Gallery", DERBY, outcomes=["be-healthy"], status=OrganisationStatus.DRAFT)
    _kitemark(museum)
    _kitemark(derby, expires_in_days=-1)  # expired
    _kitemark(draft)  # not published
    return museum


def test_counts_by_outcome_count_each_published_organisation_once_and_link_to_the_search(client, offer):
    html = client.get("/").get_data(as_text=True)

    assert _row(html, "outcome-be-healthy") == ("/search?outcome=be-healthy", "Be healthy", 2)
    assert _row(html, "outcome-stay-safe")[2] == 1
    assert _row(html, "outcome-enjoy-and-achieve")[2] == 1
    assert _row(html, "outcome-achieve-economic-well-being")[2] == 0  # every outcome is listed, even at 0


def test_counts_by_area_roll_districts_up_to_their_county_most_first(client, offer):
    html = client.get("/").get_data(as_text=True)

    assert _row(html, f"area-{DERBYSHIRE}") == (f"/search?locality={DERBYSHIRE}", "Derbyshire", 2)
    assert _row(html, f"area-{DERBY}") == (f"/search?locality={DERBY}", "Derby", 1)
    assert f'id="area-{CHESTERFIELD}"' not in html  # a district counts for its county
    assert html.index(f'id="area-{DERBYSHIRE}"') < html.index(f'id="area-{DERBY}"')


def test_the_kitemarked_count_counts_published_organisations_with_a_kitemark_in_force(client, offer):
    html = client.get("/").get_data(as_text=True)

    assert "3 organisations published in the directory" in text_of(client.get("/"))
    link = re.search(r'<a class="govuk-link" href="([^"]+)" id="kitemarked-count">([^<]+)</a>', html)
    assert link and link.groups() == ("/search?kitemarked=1", "1 with the kitemark")


def test_recent_needs_are_the_latest_open_ones_with_links(client, app):
    body = make_body("Derby City Council")
    for number in range(6):
        make_need(body, title=f"Open need {number}", published_at=utcnow() + timedelta(minutes=number))
    make_need(body, title="Draft need", status=NeedStatus.DRAFT)
    make_need(body, title="Closed need", status=NeedStatus.CLOSED)

    html = client.get("/").get_data(as_text=True)

    section = html.split('id="recent-needs"', 1)[1].split("</ul>", 1)[0]
    titles = re.findall(r'href="/needs/\d+">([^<]+)</a>', section)
    assert titles == [f"Open need {number}" for number in (5, 4, 3, 2, 1)]
    assert "Derby City Council" in section
    assert 'href="/needs"' in html


def test_no_open_needs_says_so(client, app):
    assert "No needs are open for responses at the moment." in text_of(client.get("/"))


def _statements_for_home(client) -> int:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_home_page_costs_the_same_few_queries_however_big_the_directory(client, offer):
    body = make_body("Derby City Council")
    make_need(body)
    few = _statements_for_home(client)
    for number in range(25):
        _organisation(f"Extra {number}", CHESTERFIELD, outcomes=["stay-safe"], offer_outcomes=["be-healthy"])
        make_need(body)

    many = _statements_for_home(client)
    assert many == few <= 5, (few, many)  # count, outcomes, areas, recent needs, kitemarks


def test_each_count_is_what_the_search_it_links_to_finds(client, app, offer):
    app.config["SEARCH_SYNC"] = True
    init_search_sync(app)
    engine = engine_for(app)
    engine.clear()
    rebuild(app)
    html = client.get("/").get_data(as_text=True)

    for row_id in ("outcome-be-healthy", "outcome-stay-safe", f"area-{DERBYSHIRE}", f"area-{DERBY}"):
        href, _, count = _row(html, row_id)
        found = re.search(r'id="result-count">(\d+) result', client.get(href).get_data(as_text=True))
        assert found and int(found[1]) == count, row_id
