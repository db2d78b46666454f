"""The side-by-side comparison page and its CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from marketplace.commissioning.shortlists.comparison import compare
from marketplace.core.clock import today, utcnow
from marketplace.directory.models import (
    Accreditation,
    EvidenceDocument,
    ImpactEvidence,
    Offer,
    Organisation,
    OutcomeContribution,
    SafeguardingRecord,
)
from marketplace.extensions import db
from marketplace.reference.services import terms_by_code
from tests.client import text_of
from tests.commissioning.shortlists.conftest import published_organisation, put_on_shortlist
from tests.factories import make_need, make_response
from tests.lookups import locality


def row(table, heading: str) -> list[str]:
    [match] = [r for r in table.rows if r.heading == heading]
    return [cell.text for cell in match.cells]


def marks(table, heading: str) -> list[str | None]:
    [match] = [r for r in table.rows if r.heading == heading]
    return [cell.mark for cell in match.cells]


def build_world(body):
    """A need in Amber Valley (a Derbyshire district) for "be healthy" and "stay safe", and two providers."""
    outcome = terms_by_code("ecm_outcome")
    need = make_need(
        body,
        title="Healthy and safe",
        localities=[locality("E07000032")],
        outcomes=[outcome["be-healthy"], outcome["stay-safe"]],
    )
    county = published_organisation("County Museum", localities=[locality("E10000007")])
    county.outcome_contributions.append(OutcomeContribution(outcome=outcome["be-healthy"]))
    county.offers.append(
        Offer(
            title="Wellbeing walks",
            price_pence=25_000,
            cost_basis=terms_by_code("cost_basis")["per-session"],
            outcomes=[outcome["stay-safe"]],
        )
    )
    county.offers.append(Offer(title="Premium tours", price_pence=90_000))
    county.safeguarding = SafeguardingRecord(policy_reviewed_on=today() - timedelta(days=30), verified_at=utcnow())
    county.accreditations.append(
        Accreditation(
            scheme=terms_by_code("accreditation_scheme")["museum-accreditation"],
            expires_on=today() + timedelta(days=200),
        )
    )
    county.impact_evidence.append(ImpactEvidence(title="Case study"))
    county.impact_evidence.append(ImpactEvidence(title="Evaluation", kind="evaluation"))
    county.documents.append(
        EvidenceDocument(
            original_filename="report.pdf",
            stored_name="abc123",
            content_type="application/pdf",
            size_bytes=10,
            sha256="0" * 64,
        )
    )
    city = published_organisation("City Library", localities=[locality("E06000015")])
    city.safeguarding = SafeguardingRecord(policy_reviewed_on=today() - timedelta(days=500))
    city.accreditations.append(
        Accreditation(
            scheme=terms_by_code("accreditation_scheme")["artsmark-partner"], expires_on=today() - timedelta(days=3)
        )
    )
    city.offers.append(Offer(title="Story time", price_pence=10_000))
    db.session.commit()
    response = make_response(need, city, price_pence=420_000)
    put_on_shortlist(need, county)
    put_on_shortlist(need, city, response=response)
    return need


def test_the_comparison_marks_each_provider_against_the_need(body):
    need = build_world(body)

    table = compare(need)

    assert table.columns == ["County Museum", "City Library"]
    assert row(table, "ECM outcomes covered") == ["Be healthy, Stay safe", "None"]
    assert row(table, "Need outcome: Be healthy") == ["Covered", "Not covered"]
    assert marks(table, "Need outcome: Stay safe") == ["yes", "no"]
    # Serving Derbyshire (the county) covers Amber Valley (its district); Derby does not.
    assert row(table, "Serves the need's localities") == ["Yes", "No"]
    safeguarding = row(table, "Safeguarding")
    assert "(current), verified" in safeguarding[0]
    assert "(out of date), not verified" in safeguarding[1]
    accreditations = row(table, "Accreditations")
    assert accreditations[0].startswith("Museum Accreditation (expires ")
    assert accreditations[1].startswith("Artsmark partner (expired ")
    assert marks(table, "Accreditations") == [None, "warning"]
    assert row(table, "Kitemark") == ["Not kitemarked", "Not kitemarked"]
    assert row(table, "Price") == ["From £250 per session (offer: Wellbeing walks)", "£4,200 (response)"]
    assert row(table, "Evidence") == [
        "3 (2 impact evidence records, 1 document)",
        "0 (0 impact evidence records, 0 documents)",
    ]
    assert row(table, "Response") == ["Not responded", "Submitted"]


def test_a_provider_serving_part_of_the_need_is_marked_partly(body):
    need = make_need(body, localities=[locality("E06000015"), locality("E07000033")])
    organisation = published_organisation(localities=[locality("E06000015")])
    put_on_shortlist(need, organisation)

    table = compare(need)

    assert row(table, "Serves the need's localities") == ["Partly (not Bolsover)"]
    assert marks(table, "Serves the need's localities") == ["warning"]


def test_a_provider_without_safeguarding_or_prices_says_so(body):
    need = make_need(body)
    put_on_shortlist(need, published_organisation())

    table = compare(need)

    assert row(table, "Safeguarding") == ["No safeguarding policy"]
    assert row(table, "Price") == ["No price given"]
    assert row(table, "Accreditations") == ["None"]


def test_the_comparison_page_is_an_accessible_table(signed_in, body):
    need = build_world(body)

    response = signed_in.get(f"/commissioner/needs/{need.id}/compare")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    page = text_of(response)
    assert "County Museum" in page and "City Library" in page
    assert "Need outcome: Be healthy Covered Not covered" in page


def test_the_csv_export_has_the_comparison(signed_in, body):
    need = build_world(body)

    response = signed_in.get(f"/commissioner/needs/{need.id}/shortlist.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="shortlist-{need.id}-healthy')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Criterion", "County Museum", "City Library"]
    assert ["Need outcome: Be healthy", "Covered", "Not covered"] in rows
    assert ["Kitemark", "Not kitemarked", "Not kitemarked"] in rows
    assert ["Price", "From £250 per session (offer: Wellbeing walks)", "£4,200 (response)"] in rows


def test_the_csv_export_neutralises_spreadsheet_formulas(signed_in, body):
    need = make_need(body)
    put_on_shortlist(need, published_organisation('=HYPERLINK("http://evil.example","x")'), notes="+cmd|' /C calc'!A0")
    put_on_shortlist(need, published_organisation("@SUM(1+1)"), notes="-2+3")

    rows = list(
        csv.reader(io.StringIO(signed_in.get(f"/commissioner/needs/{need.id}/shortlist.csv").get_data(as_text=True)))
    )

    assert rows[0] == ["Criterion", '\'=HYPERLINK("http://evil.example","x")', "'@SUM(1+1)"]
    assert ["Notes", "'+cmd|' /C calc'!A0", "'-2+3"] in rows


def test_the_comparison_shows_value_for_money_vetting_and_the_safeguarding_leads_training(body):
    need = build_world(body)
    county = db.session.scalar(select(Organisation).where(Organisation.name == "County Museum"))
    county.unit_cost_pence = 1_250
    county.unit_cost_basis = "per child per session"
    county.full_cost_recovery = True
    county.added_value = "Match funding of £5,000 from the museum's trust"
    county.safeguarding.dbs_coverage_percent = 100
    county.safeguarding.lead_name = "Asha Patel"
    county.safeguarding.lead_trained_on = today() - timedelta(days=400)
    db.session.commit()

    table = compare(need)

    assert row(table, "Unit cost") == ["£12.50 per child per session, recovers full costs", "Not given"]
    assert row(table, "Match funding and added value")[0] == "Match funding of £5,000 from the museum's trust"
    assert row(table, "DBS checks and vetting") == ["100% have an enhanced DBS check", "Not given"]
    assert row(table, "Safeguarding lead training")[0].startswith("Asha Patel, trained ")
    assert marks(table, "Safeguarding lead training") == ["yes", "no"]


def test_the_csv_export_neutralises_formulas_behind_separators_and_blanks(signed_in, body):
    need = make_need(body)
    put_on_shortlist(need, published_organisation(";=HYPERLINK(1)"), notes=" , @SUM(1+1)")

    rows = list(
        csv.reader(io.StringIO(signed_in.get(f"/commissioner/needs/{need.id}/shortlist.csv").get_data(as_text=True)))
    )

    assert rows[0] == ["Criterion", "';=HYPERLINK(1)"]
    assert ["Notes", "' , @SUM(1+1)"] in rows
