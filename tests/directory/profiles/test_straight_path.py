"""The provider's straight path (issue 17): basics with localities → outcomes with new evidence → safeguarding with
"Save and publish", each "Save and continue" going to the next unfinished step, nothing lost on a refusal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.core.clock import today
from marketplace.directory import profile_flow
from marketplace.directory.models import ImpactEvidence, OrganisationStatus, OutcomeContribution
from marketplace.directory.services import ContributionInput, ProfileError
from marketplace.extensions import db
from tests import factories
from tests.client import FormClient, error_summary, text_of
from tests.directory.evidence import files
from tests.directory.profiles.test_profile_steps import basics, locality
from tests.directory.profiles.test_publishing import complete_basics
from tests.forms import date_parts, upload
from tests.lookups import audit_events, term

SAFEGUARDING = "/provider/evidence/safeguarding"
MULTIPART = {"content_type": "multipart/form-data"}
STATEMENT = "The Derby Museum of Making contributes to Enjoy and achieve by running making clubs."


def basics_with_localities(*names: str, **changes: str) -> dict:
    """The basics page as sent: its own fields, the localities ticked on it, and the page's marker."""
    return {**basics(**changes), "localities": [str(locality(name).id) for name in names], "localities_on_page": "yes"}


def outcome_with_new_evidence(**changes) -> dict:
    aim = term("ecm_outcome", "enjoy-and-achieve").children[3]
    data = {
        "enjoy_and_achieve_aims": [str(aim.id)],
        "enjoy_and_achieve_statement": STATEMENT,
        "enjoy_and_achieve_new_title": "Making club evaluation",
        "enjoy_and_achieve_new_kind": "evaluation",
        "enjoy_and_achieve_new_method": "Questionnaires before and after each club.",
        "enjoy_and_achieve_new_result": "82% made something they were proud of.",
    }
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def safeguarding_form(**changes) -> dict:
    data = {
        "document": upload(files.pdf(), "policy.pdf"),
        "policy_reviewed_on": date_parts(today() - timedelta(days=30)),
        "lead_name": "Asha Patel",
        "lead_trained_on": date_parts(today() - timedelta(days=90)),
        "dbs_coverage_percent": "100",
    }
    return {**data, **changes}


def success_banners(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(r"govuk-notification-banner--success", html)


# Basics, with the localities on the same page ---------------------------------------------------------------


def test_the_basics_page_asks_for_the_localities_too(signed_in, organisation):
    page = signed_in.get("/provider/profile/basics").get_data(as_text=True)

    assert "Localities you serve" in page
    assert "Derbyshire (county: includes all its districts)" in page
    assert '<summary class="govuk-details__summary">' in page  # folded by region, each a keyboard-operable summary
    assert re.search(r'<label class="govuk-label govuk-checkboxes__label" for="locality-\d+">Derby</label>', page)


def test_basics_with_localities_saves_both_and_continues_to_the_outcomes(signed_in, organisation):
    response = signed_in.submit(
        "/provider/profile/basics", {**basics_with_localities("Derbyshire"), "then": "continue"}
    )

    assert response.status_code == 302
    assert response.location == "/provider/profile/outcomes"  # the localities step is done already
    assert [item.name for item in organisation.localities] == ["Derbyshire"]
    assert organisation.description == "A museum of making in the Silk Mill."
    steps = [event.after["step"] for event in audit_events("organisation.profile_updated")]
    assert steps == ["basics", "localities"]


def test_basics_without_a_locality_ticked_continue_to_the_localities_step(signed_in, organisation):
    response = signed_in.submit("/provider/profile/basics", {**basics_with_localities(), "then": "continue"})

    assert response.location == "/provider/profile/localities"


def test_basics_sent_without_the_localities_leave_them_as_they_were(signed_in, organisation):
    organisation.localities = [locality("Derby")]
    db.session.commit()

    signed_in.submit("/provider/profile/basics", basics())  # an older page, without the localities fieldset

    assert [item.name for item in organisation.localities] == ["Derby"]


def test_an_unknown_locality_on_the_basics_page_is_refused_and_nothing_is_saved(signed_in, organisation):
    data = basics_with_localities("Derby", description="Typed before the mistake")
    data["localities"].append("999999")

    response = signed_in.submit("/provider/profile/basics", data)

    assert error_summary(response) == ["Select localities from the list"]
    assert "Typed before the mistake" in text_of(response)
    db.session.refresh(organisation)
    assert organisation.description == "" and organisation.localities == []


def test_bad_basics_keep_the_localities_ticked(signed_in, organisation):
    derby = locality("Derby")

    response = signed_in.submit("/provider/profile/basics", basics_with_localities("Derby", postcode="not a postcode"))

    assert error_summary(response) == ["Enter a real postcode, like DE1 3AR"]
    ticked = f'id="locality-{derby.id}" name="localities" type="checkbox" value="{derby.id}" checked'
    assert ticked in response.get_data(as_text=True)
    assert organisation.localities == []


# Outcomes, with new evidence beside the statement -----------------------------------------------------------


def test_new_evidence_is_saved_with_the_statement_and_linked_to_it(signed_in, organisation):
    response = signed_in.submit("/provider/profile/outcomes", {**outcome_with_new_evidence(), "then": "continue"})

    assert response.status_code == 302
    assert response.location == SAFEGUARDING  # the next unfinished step of the path
    evidence = db.session.scalars(select(ImpactEvidence)).one()
    assert (evidence.organisation, evidence.outcome) == (organisation, term("ecm_outcome", "enjoy-and-achieve"))
    assert (evidence.title, evidence.kind) == ("Making club evaluation", "evaluation")
    assert evidence.method == "Questionnaires before and after each club."
    assert evidence.result == "82% made something they were proud of."
    contribution = db.session.scalars(select(OutcomeContribution)).one()
    assert contribution.statement == STATEMENT and contribution.evidence == [evidence]
    assert [event.summary for event in audit_events("evidence.impact_created")] == [
        "Impact evidence: Making club evaluation"
    ]


def test_new_evidence_is_linked_beside_evidence_already_ticked(signed_in, organisation):
    earlier = factories.make_impact_evidence(organisation, "Earlier case study")

    signed_in.submit(
        "/provider/profile/outcomes", outcome_with_new_evidence(enjoy_and_achieve_evidence=[str(earlier.id)])
    )

    contribution = db.session.scalars(select(OutcomeContribution)).one()
    assert sorted(item.title for item in contribution.evidence) == ["Earlier case study", "Making club evaluation"]


def test_the_outcomes_page_offers_new_evidence_for_each_outcome(signed_in, organisation):
    page = text_of(signed_in.get("/provider/profile/outcomes"))

    for outcome in ("Be healthy", "Stay safe", "Enjoy and achieve"):
        assert f"Add new evidence for {outcome}" in page
    assert "You have no impact evidence to link yet." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"enjoy_and_achieve_new_result": ""}, "Enter the result of the new evidence for Enjoy and achieve"),
        ({"enjoy_and_achieve_new_title": ""}, "Enter a title for the new evidence for Enjoy and achieve"),
        (
            {"enjoy_and_achieve_new_kind": None},
            "Select whether the evidence for Enjoy and achieve is a case study or an evaluation",
        ),
        (
            {"enjoy_and_achieve_new_kind": "rumour"},
            "Select whether the evidence for Enjoy and achieve is a case study or an evaluation",
        ),
        ({"enjoy_and_achieve_aims": None}, "Select the aims of Enjoy and achieve you contribute to"),
        (
            {"enjoy_and_achieve_aims": None, "enjoy_and_achieve_statement": ""},
            "Enter how you contribute to Enjoy and achieve, or untick its aims and evidence",
        ),
        (
            {"enjoy_and_achieve_new_title": "x" * 201},
            "Title must be 200 characters or fewer",
        ),
    ],
)
def test_bad_new_evidence_is_refused_keeping_everything_typed(signed_in, organisation, changes, message):
    data = outcome_with_new_evidence(**changes)

    response = signed_in.submit("/provider/profile/outcomes", {**data, "then": "continue"})

    assert response.status_code == 200
    assert error_summary(response) == [message]
    html = response.get_data(as_text=True)
    assert '<details class="govuk-details" id="new-evidence-enjoy-and-achieve" open>' in html
    for name in ("statement", "new_title", "new_method", "new_result"):
        typed = data.get(f"enjoy_and_achieve_{name}", "")
        if typed and len(typed) < 100:
            assert typed in html  # shown again as typed (a text input holds it in its value)
    assert db.session.scalars(select(ImpactEvidence)).all() == []
    assert db.session.scalars(select(OutcomeContribution)).all() == []


def test_new_evidence_typed_under_another_outcome_needs_that_outcome_too(signed_in, organisation):
    data = {
        **outcome_with_new_evidence(),
        "be_healthy_new_title": "Walking club case study",
        "be_healthy_new_kind": "case_study",
        "be_healthy_new_result": "Families walk together every week.",
    }

    response = signed_in.submit("/provider/profile/outcomes", data)

    assert error_summary(response) == ["Enter how you contribute to Be healthy, or untick its aims and evidence"]
    assert 'value="Walking club case study"' in response.get_data(as_text=True)
    assert db.session.scalars(select(ImpactEvidence)).all() == []


def test_the_service_refuses_new_evidence_without_a_result_and_saves_nothing(app, organisation, provider):
    outcome = term("ecm_outcome", "enjoy-and-achieve")
    entry = ContributionInput(outcome.id, [outcome.children[0].id], STATEMENT, [])
    fresh = profile_flow.NewEvidence(title="Making club evaluation", kind="evaluation", method="", result=" ")

    with pytest.raises(ProfileError, match="New evidence needs a title and a result"):
        profile_flow.save_outcomes(
            organisation, {"contributions": [entry], "new_evidence": {outcome.id: fresh}}, actor=provider
        )

    assert db.session.scalars(select(ImpactEvidence)).all() == []
    assert db.session.scalars(select(OutcomeContribution)).all() == []


def test_the_service_refuses_new_evidence_for_an_outcome_not_contributed_to(app, organisation, provider):
    outcome = term("ecm_outcome", "enjoy-and-achieve")
    entry = ContributionInput(outcome.id, [], "", [])
    fresh = profile_flow.NewEvidence(title="Making club evaluation", kind="evaluation", method="", result="Better")

    with pytest.raises(ProfileError):
        profile_flow.save_outcomes(
            organisation, {"contributions": [entry], "new_evidence": {outcome.id: fresh}}, actor=provider
        )

    assert db.session.scalars(select(ImpactEvidence)).all() == []
    assert audit_events("evidence.impact_created") == []


def test_outcomes_continue_to_the_profile_once_safeguarding_is_recorded(signed_in, organisation):
    factories.make_safeguarding(
        organisation,
        policy_document=factories.make_document(organisation),
        policy_reviewed_on=today(),
        lead_name="Asha Patel",
        dbs_coverage_percent=100,
    )
    organisation.localities = [locality("Derby")]
    complete_basics(organisation)

    response = signed_in.submit("/provider/profile/outcomes", {**outcome_with_new_evidence(), "then": "continue"})

    assert response.location == "/provider/profile"


# Safeguarding, the last step: "Save and publish" --------------------------------------------------------------


def test_a_ready_profile_is_offered_save_and_publish_which_saves_and_publishes(signed_in, organisation):
    assert "Save and publish" not in text_of(signed_in.get(SAFEGUARDING))  # the basics are missing
    complete_basics(organisation)
    assert "Save and publish" in text_of(signed_in.get(SAFEGUARDING))

    response = signed_in.submit(SAFEGUARDING, {**safeguarding_form(), "then": "publish"}, **MULTIPART)

    assert response.status_code == 302 and response.location == "/provider/profile"
    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.PUBLISHED
    assert organisation.safeguarding.lead_name == "Asha Patel"
    assert [event.summary for event in audit_events("organisation.published")] == [f"{organisation.name} published"]
    page = signed_in.get(response.location)
    assert len(success_banners(page)) == 1  # one message: saved and published
    assert "Safeguarding record saved and your profile is published" in text_of(page)
    assert f'href="/organisations/{organisation.id}">View your public profile</a>' in page.get_data(as_text=True)


def test_save_and_publish_on_a_profile_not_ready_saves_the_record_and_says_what_is_missing(signed_in, organisation):
    response = signed_in.submit(
        SAFEGUARDING, {**safeguarding_form(), "then": "publish"}, follow_redirects=True, **MULTIPART
    )

    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.DRAFT
    assert organisation.safeguarding is not None, "the record typed is not lost"
    page = text_of(response)
    assert "Safeguarding record saved" in page
    assert "Your profile cannot be published yet: Enter a description of your organisation" in page
    assert audit_events("organisation.published") == []


def test_bad_safeguarding_with_save_and_publish_publishes_nothing(signed_in, organisation):
    complete_basics(organisation)

    response = signed_in.submit(SAFEGUARDING, {**safeguarding_form(lead_name=""), "then": "publish"}, **MULTIPART)

    assert error_summary(response) == ["Enter the name of your designated safeguarding lead"]
    assert "Save and publish" in text_of(response)
    assert organisation.status == OrganisationStatus.DRAFT


def test_a_plain_member_is_not_offered_save_and_publish_and_cannot_publish_with_it(app, organisation):
    complete_basics(organisation)
    member = factories.make_provider(organisation, is_org_admin=False, email="member@derby.example.org")
    client = FormClient(app.test_client())
    client.sign_in(member.email)
    assert "Save and publish" not in text_of(client.get(SAFEGUARDING))

    response = client.submit(SAFEGUARDING, {**safeguarding_form(), "then": "publish"}, **MULTIPART)

    assert response.location == "/provider/evidence"  # saved as a plain save
    db.session.refresh(organisation)
    assert organisation.status == OrganisationStatus.DRAFT
    assert organisation.safeguarding.lead_name == "Asha Patel"


# The task list shows the path ------------------------------------------------------------------------------------


def test_the_task_list_shows_the_straight_path_first_with_the_safeguarding_record(signed_in, organisation):
    html = signed_in.get("/provider/profile").get_data(as_text=True)
    first, rest = html.split("More for commissioners")

    links = re.findall(r'href="([^"]+)" aria-describedby="step-[a-z-]+-status"', first)
    assert links == [
        "/provider/profile/basics",
        "/provider/profile/localities",
        "/provider/profile/outcomes",
        "/provider/evidence/safeguarding",
    ]
    assert "/provider/profile/value-for-money" in rest
    assert 'id="step-safeguarding-status">\n      <strong class="govuk-tag govuk-tag--blue">Incomplete' in html

    signed_in.submit(SAFEGUARDING, safeguarding_form(), **MULTIPART)

    html = signed_in.get("/provider/profile").get_data(as_text=True)
    assert 'id="step-safeguarding-status">\n      Completed' in html
