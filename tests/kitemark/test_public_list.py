"""The public kitemarked list (filters, CSV) and the badge with its dates on profiles and search results."""

from __future__ import annotations

import csv
import io

from marketplace.core.templating import format_date
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from marketplace.search.index.maintenance import rebuild
from tests.client import text_of
from tests.factories import awarded, make_ready_organisation

LEICESTER = "E06000016"
DERBYSHIRE = "E10000007"
AMBER_VALLEY = "E07000032"


def test_the_list_shows_kitemarked_providers_and_filters_them(client, ready, assessor):
    organisation, provider = ready
    kitemark = awarded(organisation, provider, assessor)
    gallery, gallery_provider = make_ready_organisation(
        "Leicester Gallery", locality=LEICESTER, organisation_type=terms_by_code("organisation_type")["gallery"]
    )
    awarded(gallery, gallery_provider, assessor)
    make_ready_organisation("Unmarked Museum")

    page = text_of(client.get("/kitemarked"))
    assert "2 kitemarked providers" in page and "Unmarked Museum" not in page
    assert (
        f"{organisation.name} Museum Derby {format_date(kitemark.awarded_on)} {format_date(kitemark.expires_on)}"
        in page
    )

    assert "Leicester Gallery" not in text_of(client.get("/kitemarked?organisation_type=museum"))
    by_place = text_of(client.get(f"/kitemarked?locality={LEICESTER}"))
    assert "Leicester Gallery" in by_place and organisation.name not in by_place
    assert "No kitemarked providers match" in text_of(client.get("/kitemarked?outcome=be-healthy"))
    assert "2 kitemarked providers" in text_of(client.get("/kitemarked?outcome=enjoy-and-achieve&locality=nowhere"))


def test_a_county_provider_is_listed_for_its_districts(client, assessor):
    county, provider = make_ready_organisation("Derbyshire Archive", locality=DERBYSHIRE)
    awarded(county, provider, assessor)

    assert "Derbyshire Archive" in text_of(client.get(f"/kitemarked?locality={AMBER_VALLEY}"))


def test_unpublished_organisations_are_not_listed(client, ready, assessor):
    organisation, provider = ready
    awarded(organisation, provider, assessor)
    organisation.status = "draft"
    db.session.commit()

    assert organisation.name not in text_of(client.get("/kitemarked"))


def test_the_csv_holds_the_filtered_list_and_neutralises_formulas(client, assessor):
    organisation, provider = make_ready_organisation("=HYPERLINK(evil)")
    kitemark = awarded(organisation, provider, assessor)

    response = client.get("/kitemarked.csv?organisation_type=museum")

    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Organisation", "Type", "Areas served", "Kitemark awarded", "Kitemark expires", "Profile"]
    assert rows[1][:5] == [
        "'=HYPERLINK(evil)",
        "Museum",
        "Derby",
        kitemark.awarded_on.isoformat(),
        kitemark.expires_on.isoformat(),
    ]
    assert rows[1][5].endswith(f"/organisations/{organisation.id}")
    assert len(list(csv.reader(io.StringIO(client.get("/kitemarked.csv?organisation_type=gallery").text)))) == 1


def test_the_badge_shows_award_and_expiry_on_the_profile_and_in_search(app, client, ready, assessor):
    organisation, provider = ready
    kitemark = awarded(organisation, provider, assessor)
    dates = f"Awarded {format_date(kitemark.awarded_on)}, expires {format_date(kitemark.expires_on)}"

    assert f"Kitemarked {dates}" in text_of(client.get(f"/organisations/{organisation.id}"))

    rebuild(app)
    results = text_of(client.get("/search?q=Peak&kitemarked=1"))
    badge = f"Kitemarked: awarded {format_date(kitemark.awarded_on)}, expires {format_date(kitemark.expires_on)}"
    assert organisation.name in results and badge in results


def test_the_csv_neutralises_a_formula_hidden_behind_a_separator(client, assessor):
    organisation, provider = make_ready_organisation(';=HYPERLINK("http://evil.example")')
    awarded(organisation, provider, assessor)

    rows = list(csv.reader(io.StringIO(client.get("/kitemarked.csv").get_data(as_text=True))))

    assert rows[1][0] == '\';=HYPERLINK("http://evil.example")'
