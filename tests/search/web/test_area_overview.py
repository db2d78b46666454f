"""The commissioners' area overview: counts per ECM outcome and service area, gaps, the SVG chart and the CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import url_for
from sqlalchemy import event, select

from marketplace.commissioning.models import FrameworkAim, FrameworkOutcome, FrameworkTheme, OutcomesFramework
from marketplace.core.roles import Role
from marketplace.directory.models import Offer, Organisation, OrganisationStatus, OutcomeContribution
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from marketplace.search.charts import Series, horizontal_bar_chart
from tests.client import FormClient, text_of
from tests.factories import make_body, make_commissioner, make_organisation, make_provider, make_user
from tests.lookups import locality

PUBLISHED = OrganisationStatus.PUBLISHED
DERBYSHIRE, CHESTERFIELD, HIGH_PEAK, DERBY = "E10000007", "E07000034", "E07000037", "E06000015"


def _ecm(code: str):
    return terms_by_code("ecm_outcome")[code]


def _organisation(name: str, served: str, outcomes: list[str], *, status: str = PUBLISHED, offers=()):
    organisation = make_organisation(name, status=status, localities=[locality(served)])
    organisation.outcome_contributions = [OutcomeContribution(outcome=_ecm(code)) for code in outcomes]
    organisation.offers = list(offers)
    db.session.commit()
    return organisation


def _offer(title: str, outcomes: list[str], service_area: str, localities: tuple[str, ...] = ()) -> Offer:
    return Offer(
        title=title,
        outcomes=[_ecm(code) for code in outcomes],
        service_areas=[terms_by_code("service_area")[service_area]],
        localities=[locality(code) for code in localities],
    )


def _framework(body, outcomes: list[tuple[str, list[str]]]) -> OutcomesFramework:
    aim = FrameworkAim(
        code="aim",
        title="Aim",
        outcomes=[
            FrameworkOutcome(code=f"o{i}", title=title, position=i, ecm_outcomes=[_ecm(code) for code in codes])
            for i, (title, codes) in enumerate(outcomes)
        ],
    )
    framework = OutcomesFramework(
        body=body, name="Children's plan", themes=[FrameworkTheme(code="t", title="Theme", aims=[aim])]
    )
    db.session.add(framework)
    db.session.commit()
    return framework


@pytest.fixture
def area(app):
    """Derbyshire county and its districts: providers at county and district level, one draft, one elsewhere."""
    _organisation(
        "Peak Arts",
        DERBYSHIRE,
        ["enjoy-and-achieve", "be-healthy"],
        offers=[_offer("Dance club", ["enjoy-and-achieve"], "short-breaks-for-disabled-children")],
    )
    _organisation(
        "Chesterfield Museum",
        CHESTERFIELD,
        ["enjoy-and-achieve"],
        offers=[
            _offer("Object handling", ["enjoy-and-achieve", "stay-safe"], "schools-support"),
            _offer("Derby-only tour", ["stay-safe"], "schools-support", localities=(DERBY,)),
        ],
    )
    _organisation("High Peak Theatre", HIGH_PEAK, ["make-a-positive-contribution"])
    _organisation("Draft Gallery", CHESTERFIELD, ["be-healthy", "stay-safe"], status=OrganisationStatus.DRAFT)
    _organisation("Derby Library", DERBY, ["stay-safe"])
    _organisation(
        "Touring Company",
        DERBY,
        ["be-healthy"],
        offers=[
            _offer("Chesterfield residency", ["be-healthy"], "14-19", localities=(CHESTERFIELD,)),
            _offer("Derby workshops", ["be-healthy"], "14-19"),  # offered where the company works: Derby
        ],
    )
    body = make_body("Derbyshire Children's Services", locality=locality(DERBYSHIRE))
    return make_commissioner(body, email="commissioner@derbyshire.example")


def _row(html: str, row_id: str) -> list[str]:
    match = re.search(rf'<tr class="govuk-table__row" id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, row_id
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match[1], re.S)]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_district_overview_counts_county_and_district_providers_but_not_drafts_or_other_areas(client, area):
    client.sign_in(area.email)
    html = client.get(f"/commissioner/area?locality={CHESTERFIELD}").get_data(as_text=True)
    assert "Peak Arts" in html and "Chesterfield Museum" in html
    assert "High Peak Theatre" not in html  # a sibling district is not part of Chesterfield's area
    assert "Draft Gallery" not in html and "Derby Library" not in html
    assert "Touring Company" in html  # serves Chesterfield through an offer
    assert _row(html, "outcome-enjoy-and-achieve") == ["Enjoy and achieve", "2", "2"]
    assert _row(html, "outcome-stay-safe")[1:] == ["0", "1"]  # the Derby-only offer is not counted
    assert _row(html, "outcome-be-healthy")[1:] == ["2", "1"]  # only the residency is offered in Chesterfield
    assert _row(html, "service-area-schools-support")[1:] == ["1", "1"]
    assert re.search(r'id="summary-providers">3<', html) and re.search(r'id="summary-offers">3<', html)


def test_county_overview_includes_providers_serving_its_districts(client, area):
    client.sign_in(area.email)
    html = client.get("/commissioner/area").get_data(as_text=True)  # defaults to the body's locality: Derbyshire
    assert "Area overview: Derbyshire" in html
    assert "High Peak Theatre" in html and "Chesterfield Museum" in html and "Peak Arts" in html
    assert _row(html, "outcome-make-a-positive-contribution")[1:] == ["1", "0"]
    assert "Draft Gallery" not in html


def test_providers_are_listed_by_name_linking_to_their_profiles(client, area, app):
    client.sign_in(area.email)
    html = client.get(f"/commissioner/area?locality={CHESTERFIELD}").get_data(as_text=True)
    links = re.findall(r'<li><a class="govuk-link" href="([^"]+)">([^<]+)</a></li>', text_of_section(html, "providers"))
    with app.test_request_context():
        expected = [
            (url_for("directory.organisation", organisation_id=organisation.id), organisation.name)
            for organisation in db.session.scalars(
                select(Organisation).where(Organisation.name.in_([name for _, name in links]))
            )
        ]
    assert [name for _, name in links] == ["Chesterfield Museum", "Peak Arts", "Touring Company"]
    assert sorted(links) == sorted(expected)


def test_gaps_list_framework_outcomes_with_few_providers_and_unmapped_ones(client, area):
    framework = _framework(
        area.commissioning_body,
        [
            ("Children are safe at home", ["stay-safe"]),  # one provider (offer) in Chesterfield: a gap
            ("Children enjoy learning", ["enjoy-and-achieve"]),  # two providers: no gap
            ("Young people find work", ["achieve-economic-well-being"]),  # nobody
            ("Families are resilient", []),  # not mapped
        ],
    )
    client.sign_in(area.email)
    html = client.get(f"/commissioner/area?locality={CHESTERFIELD}").get_data(as_text=True)
    gaps = text_of_section(html, "gaps")
    assert "Children are safe at home" in gaps and "1 provider" in gaps
    assert "Young people find work" in gaps and "No providers" in gaps
    assert "Children enjoy learning" not in gaps
    assert "Families are resilient" in gaps and "Not mapped to ECM outcomes" in gaps
    unmapped = framework.themes[0].aims[0].outcomes[3]
    assert f"/commissioner/frameworks/{framework.id}/outcomes/{unmapped.id}/map" in gaps


def test_overview_queries_stay_few_however_many_providers_serve_the_area(client, area, app):
    for number in range(15):
        _organisation(
            f"Extra provider {number}",
            CHESTERFIELD,
            ["stay-safe"],
            offers=[_offer(f"Offer {number}", ["stay-safe"], "schools-support")],
        )
    _framework(area.commissioning_body, [("Children are safe", ["stay-safe"]), ("Unmapped", [])])
    client.sign_in(area.email)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/commissioner/area?locality={CHESTERFIELD}")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200 and "Extra provider 14" in response.get_data(as_text=True)
    assert len(statements) <= 25, len(statements)


def text_of_section(html: str, element_id: str) -> str:
    match = re.search(rf'<ul[^>]*id="{element_id}">(.*?)</ul>', html, re.S)
    assert match, element_id
    return match[1]


def test_chart_is_an_accessible_svg_with_one_bar_per_outcome_and_escaped_text(client, area):
    term = _ecm("be-healthy")
    term.label = 'Be <healthy> & "well"'
    db.session.commit()
    client.sign_in(area.email)
    html = client.get(f"/commissioner/area?locality={CHESTERFIELD}").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S)[0]
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    bars = r'<rect class="app-chart__bar{}" [^>]*><title>'
    assert len(re.findall(bars.format(""), svg)) == 5  # providers, one per ECM outcome
    assert len(re.findall(bars.format(" app-chart__bar--secondary"), svg)) == 5  # offers
    assert "Be &lt;healthy&gt; &amp; &quot;well&quot;" in svg
    assert "<healthy>" not in html
    assert "style=" not in svg and "<script" not in svg
    assert '<caption class="govuk-table__caption govuk-table__caption--s">Providers and offers' in html
    assert '<th scope="row"' in html


def test_chart_builder_escapes_titles_and_descriptions():
    svg = horizontal_bar_chart(
        title='<script>alert("x")</script>',
        description="A & B",
        rows=[("Museum <b>", [2, 3])],
        series=[Series("Providers", "app-chart__bar"), Series("Offers", "app-chart__bar app-chart__bar--secondary")],
    )
    assert "<script>" not in svg and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    assert "A &amp; B" in svg and "Museum &lt;b&gt;" in svg and "<b>" not in svg


def test_csv_has_the_same_rows_and_neutralises_formulas(client, area):
    _organisation("=HYPERLINK(evil)", CHESTERFIELD, [], offers=[_offer("x", [], "schools-support")])
    _framework(area.commissioning_body, [("+cmd|' /C calc'!A0", ["achieve-economic-well-being"])])
    client.sign_in(area.email)
    response = client.get(f"/commissioner/area.csv?locality={CHESTERFIELD}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="area-overview-{CHESTERFIELD}.csv"'
    rows = _csv(response)
    assert rows[0] == ["Locality", "Section", "Item", "Providers", "Offers or status"]
    assert ["Chesterfield (E07000034)", "ECM outcome", "Enjoy and achieve", "2", "2"] in rows
    assert ["Chesterfield (E07000034)", "Service area", "Schools support", "2", "2"] in rows
    gap = next(row for row in rows if row[1].startswith("Gap:"))
    assert gap[2] == "'+cmd|' /C calc'!A0" and gap[4] == "No providers"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("value", ["E99999999", "<script>", "x" * 5000, "'\"", ""])
def test_unknown_or_invalid_locality_shows_a_message_not_an_error(client, app, value):
    body = make_body("No locality council")
    make_commissioner(body, email="nolocality@example.org")
    client.sign_in("nolocality@example.org")
    response = client.get("/commissioner/area", query_string={"locality": value})
    assert response.status_code == 200
    text = text_of(response)
    assert "Select a locality" in text
    assert "<script>" not in response.get_data(as_text=True)
    assert client.get("/commissioner/area.csv", query_string={"locality": value}).status_code == 404


def test_providers_and_pending_commissioners_are_refused_and_guests_sent_to_sign_in(client, app):
    make_provider(make_organisation(status=PUBLISHED), email="provider@example.org")
    make_commissioner(make_body(), email="pending@example.org", approved=False)
    make_user(Role.ASSESSOR, email="assessor@example.org")
    for url in ("/commissioner/area", f"/commissioner/area.csv?locality={DERBY}"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    for email in ("provider@example.org", "pending@example.org", "assessor@example.org"):
        user_client = FormClient(app.test_client())
        user_client.sign_in(email)
        for url in ("/commissioner/area", f"/commissioner/area.csv?locality={DERBY}"):
            assert user_client.get(url).status_code == 403, (email, url)


def test_locality_list_names_tiers_in_plain_words_not_codes(client, area):
    client.sign_in(area.email)
    html = client.get("/commissioner/area").get_data(as_text=True)
    assert "Camden (London borough)" in html and "Derby (unitary authority)" in html
    assert "london_borough" not in html and "metropolitan_district" not in html
