"""Matching needs to providers (and back): hard filters, locality, reasons, tie-breaking, pages and the CLI."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest

from marketplace.commissioning.models import NeedStatus
from marketplace.core.clock import today, utcnow
from marketplace.directory.importer import import_directory
from marketplace.directory.models import Accreditation, Organisation, SafeguardingRecord
from marketplace.extensions import db
from marketplace.kitemark.models import Kitemark
from marketplace.matching.ranking import match_need, opportunities_for
from marketplace.reference.services import terms_by_code
from marketplace.search.index.maintenance import rebuild
from tests.client import text_of
from tests.factories import make_body, make_commissioner, make_need, make_provider
from tests.lookups import locality

DERBY, DERBYSHIRE, AMBER_VALLEY, LEICESTER = "E06000015", "E10000007", "E07000032", "E06000016"
BROXTOWE = "E07000172"


def org_record(ref: str, name: str, **fields) -> dict:
    """A published organisation in the directory format: SEND short breaks in Derby, ages 5-18, £250."""
    offer = {
        "ref": f"{ref}-offer",
        "title": "Saturday creative sessions",
        "description": "Creative sessions in an accessible studio.",
        "price_pence": fields.pop("price_pence", 25_000),
        "outcomes": fields.get("outcomes_codes", ["enjoy-and-achieve"]),
        "service_areas": fields.pop("service_areas", ["short-breaks-for-disabled-children"]),
    }
    outcomes = fields.pop("outcomes_codes", ["enjoy-and-achieve"])
    record = {
        "ref": ref,
        "name": name,
        "organisation_type": "museum",
        "description": fields.pop("description", "Creative sessions for children and families."),
        "postcode": "DE1 1BS",  # published: the publish check needs a postcode and a contact email
        "contact_email": f"hello@{ref}.example.org",
        "localities": fields.pop("localities", [DERBY]),
        "age_min": fields.pop("age_min", 5),
        "age_max": fields.pop("age_max", 18),
        "target_groups": fields.pop("target_groups", ["disabled-children-send"]),
        "outcomes": [{"outcome": code, "aims": [], "statement": "We contribute."} for code in outcomes],
        "offers": [offer],
        "status": "published",
    }
    record.update(fields)
    return record


def load(app, *records: dict, consortia: list[dict] | None = None) -> dict[str, Organisation]:
    report = import_directory({"organisations": list(records), "consortia": consortia or []})
    assert not report.rejected, report.rejected
    rebuild(app)
    return {o.ref: o for o in db.session.scalars(db.select(Organisation))}


def names(results) -> list[str]:
    return [result.name for result in results]


def terms(key: str, *codes: str) -> list:
    found = terms_by_code(key)
    return [found[code] for code in codes]


@pytest.fixture
def body():
    return make_body("Derby Children's Services")


# Hard filters ---------------------------------------------------------------------------------------------------


def test_safeguarding_requirement_excludes_unverified_providers(app, body):
    orgs = load(app, org_record("checked", "Checked Arts"), org_record("unchecked", "Unchecked Arts"))
    db.session.add(SafeguardingRecord(organisation=orgs["checked"], verified_at=utcnow()))
    db.session.commit()
    rebuild(app)
    assert sorted(names(match_need(make_need(body)))) == ["Checked Arts", "Unchecked Arts"]
    assert names(match_need(make_need(body, requires_safeguarding_verified=True))) == ["Checked Arts"]


def test_kitemark_requirement_excludes_providers_without_one(app, body):
    orgs = load(app, org_record("marked", "Marked Arts"), org_record("unmarked", "Unmarked Arts"))
    db.session.add(Kitemark(organisation=orgs["marked"], awarded_on=today(), expires_on=today() + timedelta(days=365)))
    db.session.commit()
    rebuild(app)
    assert names(match_need(make_need(body, requires_kitemark=True))) == ["Marked Arts"]


def test_named_accreditation_is_required(app, body):
    orgs = load(app, org_record("accredited", "Accredited Arts"), org_record("plain", "Plain Arts"))
    scheme = terms_by_code("accreditation_scheme")["arts-award-centre"]
    db.session.add(Accreditation(organisation=orgs["accredited"], scheme=scheme))
    db.session.commit()
    rebuild(app)
    assert names(match_need(make_need(body, required_accreditation=scheme))) == ["Accredited Arts"]


def test_consortia_are_offered_only_when_the_need_welcomes_them(app, body):
    consortium = {"ref": "partners", "name": "Derby Partners", "lead": "lead", "members": ["lead", "member"]}
    load(app, org_record("lead", "Lead Arts"), org_record("member", "Member Arts"), consortia=[consortium])
    welcome = match_need(make_need(body, consortium_welcome=True))
    assert "Derby Partners" in names(welcome)
    assert [r.kind for r in welcome if r.name == "Derby Partners"] == ["consortium"]
    assert "Derby Partners" not in names(match_need(make_need(body, consortium_welcome=False)))


# Locality -------------------------------------------------------------------------------------------------------


def test_district_need_that_requires_its_area_matches_the_district_and_its_county_but_not_elsewhere(app, body):
    load(
        app,
        org_record("county", "County Arts", localities=[DERBYSHIRE]),
        org_record("district", "District Arts", localities=[AMBER_VALLEY]),
        org_record("city", "City Arts", localities=[DERBY]),
    )
    results = match_need(make_need(body, localities=[locality(AMBER_VALLEY)], localities_required=True))
    assert names(results) == ["District Arts", "County Arts"]  # the exact district scores higher
    assert "Serves Amber Valley" in results[0].reasons
    assert "Serves Amber Valley (via Derbyshire)" in results[1].reasons


def test_district_need_prefers_its_area_then_lists_a_neighbour_with_distance_and_reason(app, body):
    load(
        app,
        org_record("county", "County Arts", localities=[DERBYSHIRE]),
        org_record("district", "District Arts", localities=[AMBER_VALLEY]),
        org_record("city", "City Arts", localities=[DERBY], postcode="DE1 3AR"),
        org_record("next-door", "Broxtowe Arts", localities=[BROXTOWE], postcode="NG9 1AA"),
        org_record("far", "Far Arts", localities=[LEICESTER]),
    )
    results = match_need(make_need(body, localities=[locality(AMBER_VALLEY)]))
    # In the area first, then the city in the same ceremonial county, then a neighbour; Leicester is not near.
    assert names(results) == ["District Arts", "County Arts", "City Arts", "Broxtowe Arts"]
    assert results[2].reasons[0] == "Based in Derby, 11 km from the need's area; serves Derby, in Derbyshire"
    assert "Does not serve Amber Valley" in results[2].missing
    assert results[3].reasons[0].startswith("Based in Broxtowe, ")
    assert results[3].reasons[0].endswith("km from the need's area; serves Broxtowe, next to Amber Valley")


def test_county_need_lists_a_provider_in_the_unitary_city_inside_it(app, body):
    southampton, hampshire = "E06000045", "E10000014"
    load(app, org_record("city", "Southampton Arts", localities=[southampton], postcode="SO14 7DU"))
    results = match_need(make_need(body, localities=[locality(hampshire)]))
    assert names(results) == ["Southampton Arts"]
    assert results[0].reasons[0] == "Based in Southampton, 5 km from the need's area; serves Southampton, in Hampshire"


def test_county_need_matches_providers_of_its_districts(app, body):
    load(
        app,
        org_record("district", "District Arts", localities=[AMBER_VALLEY]),
        org_record("elsewhere", "Leicester Arts", localities=[LEICESTER]),
    )
    results = match_need(make_need(body, localities=[locality(DERBYSHIRE)]))
    assert names(results) == ["District Arts"]
    assert "Serves Amber Valley in Derbyshire" in results[0].reasons


# Reasons and scoring --------------------------------------------------------------------------------------------


def test_results_explain_what_fits_and_what_is_missing(app, body):
    load(
        app,
        org_record("fits", "Fitting Arts", outcomes_codes=["stay-safe", "enjoy-and-achieve"], price_pence=25_000),
        org_record("dear", "Dear Arts", price_pence=5_000_000, service_areas=["positive-activities"]),
    )
    need = make_need(
        body,
        outcomes=terms("ecm_outcome", "be-healthy", "stay-safe", "enjoy-and-achieve"),
        target_groups=terms("target_group", "disabled-children-send"),
        budget_max_pence=500_000,
    )
    fitting, dear = match_need(need)
    assert fitting.name == "Fitting Arts" and fitting.score > dear.score
    assert "Covers Stay safe, Enjoy and achieve" in fitting.reasons
    assert "Does not cover Be healthy" in fitting.missing
    assert "Works with disabled children / SEND" in fitting.reasons
    assert "Price £250 within budget" in fitting.reasons
    assert "Offers Short breaks for disabled children (Aiming High)" in fitting.reasons
    assert {"No offers like this within budget", "No service area match"} <= set(dear.missing)


def test_equal_scores_are_ordered_by_a_hash_of_the_id_not_by_name(app, body):
    orgs = load(app, org_record("twin-a", "Aardvark Arts"), org_record("twin-b", "Zebra Arts"))
    need = make_need(body)
    first = match_need(need)
    assert first[0].score == first[1].score
    expected = sorted((r.id for r in first), key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    assert [r.id for r in first] == expected
    orgs["twin-a"].name, orgs["twin-b"].name = "Zebra Arts", "Aardvark Arts"
    db.session.commit()
    rebuild(app)
    assert [r.id for r in match_need(need)] == expected


# Opportunities ---------------------------------------------------------------------------------------------------


def test_opportunities_list_the_open_needs_a_provider_fits(app, body):
    orgs = load(app, org_record("amber", "Amber Arts", localities=[AMBER_VALLEY]))
    fits = make_need(body, title="Derbyshire short breaks", localities=[locality(DERBYSHIRE)])
    make_need(body, title="Leicester short breaks", localities=[locality(LEICESTER)])
    make_need(body, title="Draft Derbyshire need", localities=[locality(DERBYSHIRE)], status=NeedStatus.DRAFT)
    make_need(body, title="Checked only", localities=[locality(DERBYSHIRE)], requires_safeguarding_verified=True)
    results = opportunities_for(orgs["amber"])
    assert [(r.name, r.object_id) for r in results] == [("Derbyshire short breaks", fits.id)]
    assert "Serves Amber Valley in Derbyshire" in results[0].reasons


# Pages -----------------------------------------------------------------------------------------------------------


def test_commissioner_sees_ranked_matches_with_reasons_and_shortlist_buttons(app, client, body):
    load(app, org_record("fits", "Fitting Arts"))
    need = make_need(body)
    client.sign_in(make_commissioner(body).email)
    response = client.get(f"/commissioner/needs/{need.id}/matches")
    assert response.status_code == 200
    page = text_of(response)
    assert "Fitting Arts" in page and "Serves Derby" in page and "Add to shortlist" in page


def test_commissioner_of_another_body_gets_not_found(app, client, body):
    need = make_need(body)
    client.sign_in(make_commissioner(make_body("Other Council")).email)
    assert client.get(f"/commissioner/needs/{need.id}/matches").status_code == 404


def test_provider_cannot_see_a_needs_matches(app, client, body):
    need = make_need(body)
    client.sign_in(make_provider().email)
    assert client.get(f"/commissioner/needs/{need.id}/matches").status_code == 403


def test_provider_sees_opportunities_for_their_organisation(app, client, body):
    orgs = load(app, org_record("mine", "My Arts"))
    need = make_need(body, title="Short breaks in Derby")
    client.sign_in(make_provider(orgs["mine"]).email)
    response = client.get("/provider/opportunities")
    assert response.status_code == 200
    assert "Short breaks in Derby" in text_of(response)
    assert f"/needs/{need.id}" in response.get_data(as_text=True)


def test_provider_without_an_organisation_gets_not_found(app, client):
    user = make_provider()
    user.organisation = None
    db.session.commit()
    client.sign_in(user.email)
    assert client.get("/provider/opportunities").status_code == 404


# CLI -------------------------------------------------------------------------------------------------------------


def test_cli_prints_matches_as_json(app, body):
    load(app, org_record("fits", "Fitting Arts"))
    make_need(body, ref="cli-need")
    result = app.test_cli_runner().invoke(args=["search", "match", "cli-need", "--top", "5", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["name"] for row in rows] == ["Fitting Arts"]
    assert set(rows[0]) == {"id", "name", "score", "label", "reasons", "missing"}


def test_cli_refuses_an_unknown_need(app):
    result = app.test_cli_runner().invoke(args=["search", "match", "no-such-need"])
    assert result.exit_code == 1
    assert "no-such-need" in result.output
