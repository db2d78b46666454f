"""Profile editing in steps: each step saves, returns to the task list, and refuses bad input keeping what was typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.core.roles import Role
from marketplace.directory.models import FrameworkStatement, OutcomeContribution
from marketplace.directory.services import served_locality_ids
from marketplace.extensions import db
from marketplace.reference.models import Locality
from tests import factories
from tests.client import error_summary, text_of
from tests.factories import make_impact_evidence
from tests.lookups import term

BASICS = {
    "name": "Derby Museum of Making",
    "organisation_type": "",
    "legal_form": "",
    "registration_number": "1234567",
    "description": "A museum of making in the Silk Mill.",
    "address": "Silk Mill Lane, Derby",
    "postcode": "de1 3af",
    "website": "https://www.derbymuseums.org",
    "contact_name": "Sam Jones",
    "contact_email": "sam@derbymuseums.example.org",
    "contact_phone": "01332 641901",
}


def locality(name: str) -> Locality:
    return db.session.scalar(select(Locality).where(Locality.name == name))


def basics(**changes: str) -> dict:
    data = {
        **BASICS,
        "organisation_type": str(term("organisation_type", "museum").id),
        "legal_form": str(term("legal_form", "charity").id),
    }
    return {**data, **changes}


def test_the_task_list_shows_each_step_with_its_status(signed_in, organisation):
    page = text_of(signed_in.get("/provider/profile"))

    for title in (
        "Basic details",
        "Localities served",
        "Ages and target groups",
        "Outcome contributions",
        "National Indicators",
        "Value for money",
    ):
        assert title in page
    assert "Incomplete" in page
    assert "Completed" not in page

    signed_in.submit("/provider/profile/basics", basics())

    html = signed_in.get("/provider/profile").get_data(as_text=True)
    assert 'id="step-basics-status">\n      Completed' in html


def test_an_unknown_step_is_not_found(signed_in):
    assert signed_in.get("/provider/profile/secret-step").status_code == 404


def test_a_provider_without_an_organisation_has_no_profile_to_edit(client):
    client.sign_in(factories.make_user(Role.PROVIDER).email)

    assert client.get("/provider/profile").status_code == 404
    assert client.get("/provider/profile/basics").status_code == 404


def test_basics_are_saved_normalised_and_audited(signed_in, organisation):
    response = signed_in.submit("/provider/profile/basics", basics(name="Derby Museums Trust"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/provider/profile")
    assert "Basic details saved" in text_of(signed_in.get("/provider/profile"))
    db.session.refresh(organisation)
    assert organisation.name == "Derby Museums Trust"
    assert organisation.postcode == "DE1 3AF"
    assert organisation.legal_form.code == "charity"
    assert organisation.contact_email == "sam@derbymuseums.example.org"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.profile_updated"))
    assert event.object_id == str(organisation.id)
    assert event.before["name"] == "Derby Museum of Making"
    assert event.after["name"] == "Derby Museums Trust"
    assert event.after["step"] == "basics"


def test_bad_basics_are_refused_with_messages_and_the_typed_values_kept(signed_in, organisation):
    response = signed_in.submit(
        "/provider/profile/basics",
        basics(
            name="",
            postcode="NOT A CODE",
            website="ftp://files.example.org",
            contact_email="sam-at-example",
            contact_phone="call me",
        ),
    )

    assert response.status_code == 200
    assert error_summary(response) == [
        "Enter your organisation's name",
        "Enter a real postcode, like DE1 3AR",
        "Enter a website address, like www.example.org",
        "Enter an email address in the correct format, like name@example.org",
        "Enter a telephone number, like 01632 960 001 or +44 808 157 0192",
    ]
    assert text_of(response).startswith("Error: ")
    html = response.get_data(as_text=True)
    assert 'value="NOT A CODE"' in html
    assert 'value="ftp://files.example.org"' in html
    db.session.refresh(organisation)
    assert organisation.name == "Derby Museum of Making"
    assert organisation.postcode == ""


@pytest.mark.parametrize(
    ("typed", "saved"), [("de13af", "DE1 3AF"), (" DE1   3AF ", "DE1 3AF"), ("ec1a1bb", "EC1A 1BB")]
)
def test_a_postcode_is_saved_as_royal_mail_writes_it_however_it_was_typed(signed_in, organisation, typed, saved):
    signed_in.submit("/provider/profile/basics", basics(postcode=typed))

    db.session.refresh(organisation)
    assert organisation.postcode == saved


@pytest.mark.parametrize("typed", ["DE1", "DZ1 3AF", "DE1 3AFF", "DE1 AAF"])
def test_a_postcode_of_the_wrong_shape_is_refused(signed_in, organisation, typed):
    response = signed_in.submit("/provider/profile/basics", basics(postcode=typed))

    assert error_summary(response) == ["Enter a real postcode, like DE1 3AR"]
    db.session.refresh(organisation)
    assert organisation.postcode == ""


def test_a_tampered_organisation_type_is_refused(signed_in, organisation):
    response = signed_in.submit("/provider/profile/basics", basics(organisation_type=str(term("legal_form", "cic").id)))

    assert "Select an organisation type from the list" in error_summary(response)
    response = signed_in.submit("/provider/profile/basics", basics(organisation_type="museum"))
    assert "Select an organisation type from the list" in error_summary(response)


def test_picking_a_county_serves_its_districts(signed_in, organisation):
    derbyshire, derby = locality("Derbyshire"), locality("Derby")

    response = signed_in.submit("/provider/profile/localities", {"localities": [str(derbyshire.id), str(derby.id)]})

    assert response.status_code == 302
    db.session.refresh(organisation)
    assert {item.name for item in organisation.localities} == {"Derbyshire", "Derby"}
    served = served_locality_ids(organisation)
    assert locality("Amber Valley").id in served
    assert locality("Chesterfield").id in served
    assert locality("Nottingham").id not in served
    page = text_of(signed_in.get("/provider/profile/localities"))
    assert "you also serve 8 districts: Amber Valley, Bolsover, Chesterfield" in page


@pytest.mark.parametrize("bad_value", ["999999", "derbyshire"])
def test_unknown_localities_are_refused(signed_in, organisation, bad_value):
    derby = locality("Derby")

    response = signed_in.submit("/provider/profile/localities", {"localities": [str(derby.id), bad_value]})

    assert error_summary(response) == ["Select localities from the list"]
    db.session.refresh(organisation)
    assert organisation.localities == []


def test_ages_and_target_groups_are_saved(signed_in, organisation):
    carers = term("target_group", "young-carers")

    response = signed_in.submit(
        "/provider/profile/ages-and-groups", {"age_min": "5", "age_max": "16", "target_groups": [str(carers.id)]}
    )

    assert response.status_code == 302
    db.session.refresh(organisation)
    assert (organisation.age_min, organisation.age_max) == (5, 16)
    assert [group.code for group in organisation.target_groups] == ["young-carers"]


def test_a_provider_can_say_it_works_with_adults_only_and_older_people(signed_in, organisation):
    response = signed_in.submit(
        "/provider/profile/ages-and-groups", {"age_min": "65", "age_max": "110", "adults_only": "y"}
    )

    assert response.status_code == 302
    db.session.refresh(organisation)
    assert (organisation.age_min, organisation.age_max, organisation.adults_only) == (65, 110, True)


@pytest.mark.parametrize(
    ("age_min", "age_max", "message"),
    [
        ("16", "5", "Oldest age must be the same as or more than the youngest age"),
        ("ten", "16", "Youngest age must be a whole number between 0 and 120"),
        ("5", "130", "Oldest age must be a whole number between 0 and 120"),
        ("-1", "16", "Youngest age must be a whole number between 0 and 120"),
        ("", "16", "Enter the youngest age you work with"),
    ],
)
def test_bad_ages_are_refused_and_kept(signed_in, organisation, age_min, age_max, message):
    response = signed_in.submit("/provider/profile/ages-and-groups", {"age_min": age_min, "age_max": age_max})

    assert error_summary(response) == [message]
    assert f'value="{age_min}"' in response.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.age_min is None


def test_a_tampered_target_group_is_refused(signed_in, organisation):
    response = signed_in.submit(
        "/provider/profile/ages-and-groups",
        {"age_min": "5", "age_max": "16", "target_groups": [str(term("national_indicator", "ni-1").id)]},
    )

    assert error_summary(response) == ["Select target groups from the list"]


def test_outcome_contributions_are_created_updated_and_removed(signed_in, organisation):
    evidence = make_impact_evidence(organisation, "Reading for wellbeing evaluation")
    outcome = term("ecm_outcome", "enjoy-and-achieve")
    aim = outcome.children[3]
    statement = "The Derby Museum of Making contributes to Enjoy and achieve by running making clubs."

    response = signed_in.submit(
        "/provider/profile/outcomes",
        {
            "enjoy_and_achieve_aims": [str(aim.id)],
            "enjoy_and_achieve_statement": statement,
            "enjoy_and_achieve_evidence": [str(evidence.id)],
        },
    )

    assert response.status_code == 302
    contribution = db.session.scalar(select(OutcomeContribution))
    assert contribution.outcome == outcome
    assert contribution.aims == [aim]
    assert contribution.statement == statement
    assert contribution.evidence == [evidence]
    page = signed_in.get("/provider/profile/outcomes")
    assert statement in text_of(page)
    assert 'For example, "The Derby Museum of Making contributes to Enjoy and achieve by …"' in text_of(page)

    signed_in.submit("/provider/profile/outcomes", {"enjoy_and_achieve_statement": ""})

    assert db.session.scalars(select(OutcomeContribution)).all() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"be_healthy_statement": "We run walks."}, "Select the aims of Be healthy you contribute to"),
        ({"be_healthy_aims": ["AIM"]}, "Enter how you contribute to Be healthy, or untick its aims and evidence"),
        ({"be_healthy_aims": ["OTHER_AIM"], "be_healthy_statement": "We run walks."}, "Select aims of Be healthy only"),
        (
            {"be_healthy_aims": ["AIM"], "be_healthy_statement": "x" * 5001},
            "How you contribute to Be healthy must be 5,000 characters or fewer",
        ),
    ],
)
def test_bad_outcome_contributions_are_refused(signed_in, organisation, fields, message):
    aim = term("ecm_outcome", "be-healthy").children[0]
    other_aim = term("ecm_outcome", "stay-safe").children[0]
    replace = {"AIM": str(aim.id), "OTHER_AIM": str(other_aim.id)}
    data = {key: [replace[v] for v in value] if isinstance(value, list) else value for key, value in fields.items()}

    response = signed_in.submit("/provider/profile/outcomes", data)

    assert error_summary(response) == [message]
    if "be_healthy_statement" in data and len(data["be_healthy_statement"]) < 100:
        assert data["be_healthy_statement"] in text_of(response)
    assert db.session.scalars(select(OutcomeContribution)).all() == []


def test_another_organisations_evidence_cannot_be_linked(signed_in, organisation):
    other = factories.make_organisation("Other Gallery")
    theirs = make_impact_evidence(other, "Their private evaluation")
    aim = term("ecm_outcome", "be-healthy").children[0]

    response = signed_in.submit(
        "/provider/profile/outcomes",
        {
            "be_healthy_aims": [str(aim.id)],
            "be_healthy_statement": "We run walks.",
            "be_healthy_evidence": [str(theirs.id)],
        },
    )

    assert error_summary(response) == ["Select evidence from your own impact evidence"]
    assert "Their private evaluation" not in text_of(response)
    assert db.session.scalars(select(OutcomeContribution)).all() == []


def test_framework_statements_use_the_mla_template_as_hint_and_blank_removes(signed_in, organisation):
    laa = term("contribution_framework", "local-area-agreement")
    page = signed_in.get("/provider/profile/frameworks")
    assert laa.description.split("…")[0].strip() in text_of(page)

    signed_in.submit("/provider/profile/frameworks", {"local_area_agreement": "We contribute to NI 110 by …"})

    saved = db.session.scalar(select(FrameworkStatement))
    assert (saved.framework, saved.statement) == (laa, "We contribute to NI 110 by …")

    signed_in.submit("/provider/profile/frameworks", {"local_area_agreement": "  "})
    assert db.session.scalars(select(FrameworkStatement)).all() == []


def test_an_overlong_framework_statement_is_refused(signed_in, organisation):
    response = signed_in.submit("/provider/profile/frameworks", {"local_area_agreement": "x" * 5001})

    assert error_summary(response) == ["Local Area Agreement must be 5,000 characters or fewer"]
    assert db.session.scalars(select(FrameworkStatement)).all() == []


def test_indicators_are_saved_and_tampered_ones_refused(signed_in, organisation):
    ni_110 = term("national_indicator", "ni-110")

    signed_in.submit("/provider/profile/indicators", {"indicators": [str(ni_110.id)]})
    db.session.refresh(organisation)
    assert organisation.indicators == [ni_110]

    response = signed_in.submit("/provider/profile/indicators", {"indicators": [str(term("theme", "think-family").id)]})
    assert error_summary(response) == ["Select indicators from the list"]
    db.session.refresh(organisation)
    assert organisation.indicators == [ni_110]


def test_value_for_money_is_saved_in_pence(signed_in, organisation):
    response = signed_in.submit(
        "/provider/profile/value-for-money",
        {
            "full_cost_recovery": "yes",
            "unit_cost": "£1,212.50",
            "unit_cost_basis": "per participant",
            "social_return_ratio": "4.2",
            "added_value": "Volunteers and venues",
        },
    )

    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.full_cost_recovery is True
    assert organisation.unit_cost_pence == 121250
    assert organisation.social_return_ratio == Decimal("4.2")
    page = signed_in.get("/provider/profile/value-for-money").get_data(as_text=True)
    assert 'value="1212.50"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit_cost", "-5", "Unit cost must be £0 or more"),
        ("unit_cost", "twelve", "Unit cost must be an amount in pounds, like 12.50"),
        ("unit_cost", "12.505", "Unit cost must have no more than 2 decimal places, like 12.50"),
        ("social_return_ratio", "-1", "Social return ratio must be 0 or more"),
        ("social_return_ratio", "lots", "Social return ratio must be a number, like 4.2"),
        ("full_cost_recovery", "maybe", "Select yes if your prices recover your full costs"),
    ],
)
def test_bad_value_for_money_is_refused_and_kept(signed_in, organisation, field, value, message):
    data = {"full_cost_recovery": "no", "unit_cost": "10", "social_return_ratio": "", field: value}

    response = signed_in.submit("/provider/profile/value-for-money", data)

    assert error_summary(response) == [message]
    if field != "full_cost_recovery":
        assert f'value="{value}"' in response.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.unit_cost_pence is None
    assert organisation.full_cost_recovery is None


def test_a_plain_member_can_edit_the_profile(client, organisation):
    member = factories.make_provider(organisation, is_org_admin=False)
    client.sign_in(member.email)

    response = client.submit("/provider/profile/basics", basics(description="Edited by a member"))

    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.description == "Edited by a member"


def test_a_website_typed_without_https_is_accepted_and_stored_with_it(signed_in, organisation):
    response = signed_in.submit("/provider/profile/basics", basics(website="example.org"))

    assert response.status_code == 302, error_summary(response)
    db.session.refresh(organisation)
    assert organisation.website == "https://example.org"
