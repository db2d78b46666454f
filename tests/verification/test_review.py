"""Assessors: the queue, assignment and conflicts (the kitemark rules), items pre-assessed by rule, the decision."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.core.clock import today
from marketplace.directory.readiness import safeguarding_review_due_on
from marketplace.extensions import db
from marketplace.verification import services
from marketplace.verification.models import VerificationStatus
from tests.client import FormClient, error_summary, text_of
from tests.factories import make_assessor
from tests.factories.verification import all_met, in_review
from tests.forms import decision_data
from tests.lookups import verification_actions as actions


def test_an_assessor_assigns_declares_no_conflict_and_verifies_until_the_review_date(client, ready, assessor, outbox):
    organisation, provider = ready
    verification = services.request_verification(organisation, user=provider)
    url = f"/assessor/verification/{verification.id}"
    client.sign_in(assessor.email)
    assert "Peak Heritage Trust" in text_of(client.get("/assessor/verification"))

    client.submit(f"{url}/assign", {"assessor_id": str(assessor.id)}, page_url=url)
    early = client.submit(f"{url}/decision", decision_data(), page_url=url)
    assert early.status_code == 302
    assert verification.status == VerificationStatus.IN_REVIEW
    assert "Declare that you have no conflict of interest" in text_of(client.get(url))

    client.submit(f"{url}/conflict", {"declaration": "none"}, page_url=url)
    outbox.clear()
    response = client.submit(f"{url}/decision", decision_data(), page_url=url)

    assert response.status_code == 302
    db.session.refresh(verification)
    record = organisation.safeguarding
    assert verification.status == VerificationStatus.VERIFIED
    assert record.verified_at is not None and record.verified_by_id == assessor.id
    assert verification.valid_until == safeguarding_review_due_on(record)
    assert verification.snapshot["policy_document"]["sha256"] == record.policy_document.sha256
    assert actions() == [
        "verification.requested",
        "verification.assigned",
        "verification.no_conflict_declared",
        "verification.verified",
    ]
    assert [message["To"] for message in outbox] == [provider.email]
    assert outbox[0]["Subject"] == "Safeguarding verified"


def test_the_review_shows_each_item_beside_the_evidence_and_opens_the_policy(client, ready, assessor):
    organisation, provider = ready
    verification = in_review(organisation, provider, assessor)
    url = f"/assessor/verification/{verification.id}"
    client.sign_in(assessor.email)

    page = text_of(client.get(url))
    policy = client.get(f"{url}/policy")

    assert "Pre-assessed: met Reviewed" in page
    assert "Sam Lead, trained" in page and "Enhanced DBS checks: 100% of staff and volunteers" in page
    assert "Open safeguarding-policy.pdf" in page
    assert policy.status_code == 200 and policy.mimetype == "application/pdf"
    assert "no-store" in policy.headers["Cache-Control"]


def test_items_a_rule_fails_are_pre_assessed_and_cannot_be_marked_met(client, ready, assessor):
    organisation, provider = ready
    record = organisation.safeguarding
    record.policy_reviewed_on = today() - timedelta(days=400)
    record.lead_trained_on = today() - timedelta(days=3 * 366 + 5)
    db.session.commit()
    verification = in_review(organisation, provider, assessor)
    url = f"/assessor/verification/{verification.id}"
    client.sign_in(assessor.email)

    page = text_of(client.get(url))
    response = client.submit(f"{url}/decision", decision_data(), page_url=url)

    assert "Pre-assessed: not met The policy's review date" in page
    assert "Pre-assessed: not met Training on" in page
    assert response.status_code == 400
    summary = error_summary(response)
    assert any(item.startswith("Safeguarding policy current cannot be met") for item in summary)
    assert any(item.startswith("Designated lead trained cannot be met") for item in summary)
    with pytest.raises(services.VerificationError, match="A rule found these items not met"):
        services.decide_verification(
            verification, assessor=assessor, results=all_met(), decision="verified", reasons=""
        )
    assert organisation.safeguarding.verified_at is None


def test_not_verified_needs_reasons_and_tells_the_provider_what_to_fix(app, client, ready, assessor, outbox):
    organisation, provider = ready
    verification = in_review(organisation, provider, assessor)
    url = f"/assessor/verification/{verification.id}"
    client.sign_in(assessor.email)
    data = decision_data("not_verified", vetting_result="not_met", vetting_note="Volunteers are not DBS checked")

    without_reasons = client.submit(f"{url}/decision", data, page_url=url)
    outbox.clear()
    response = client.submit(f"{url}/decision", {**data, "reasons": "Vetting falls short"}, page_url=url)

    assert without_reasons.status_code == 400
    assert "Enter the reasons the record is not verified" in error_summary(without_reasons)
    assert response.status_code == 302
    assert verification.status == VerificationStatus.NOT_VERIFIED
    assert organisation.safeguarding.verified_at is None
    body = outbox[0].get_content()
    assert outbox[0]["Subject"] == "Safeguarding not verified"
    assert "Vetting falls short" in body and "DBS checks and vetting practice: Volunteers are not DBS checked" in body
    provider_client = FormClient(app.test_client())
    provider_client.sign_in(provider.email)
    assert "Volunteers are not DBS checked" in text_of(provider_client.get("/provider/verification"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"policy_result": ""}, "Select whether safeguarding policy current is met"),
        ({"vetting_result": "not_met"}, "Say what the provider must fix for dbs checks and vetting practice"),
        ({"vetting_result": "not_met", "vetting_note": "x"}, "You can only verify the record when every item is met"),
        ({"decision": "maybe"}, "Not a valid choice."),
        ({"reasons": "x" * 5001}, "Reasons must be 5,000 characters or fewer"),
        ({"documents_note": "x" * 5001}, "Note must be 5,000 characters or fewer"),
    ],
)
def test_the_decision_form_refuses_bad_input(client, ready, assessor, overrides, message):
    organisation, provider = ready
    verification = in_review(organisation, provider, assessor)
    url = f"/assessor/verification/{verification.id}"
    client.sign_in(assessor.email)

    response = client.submit(f"{url}/decision", decision_data(**overrides), page_url=url)

    assert response.status_code == 400
    assert text_of(response).startswith("Error: ")
    assert message in error_summary(response)
    assert verification.status == VerificationStatus.IN_REVIEW


def test_an_assessor_declaring_a_conflict_steps_aside(client, ready, assessor):
    organisation, provider = ready
    verification = services.request_verification(organisation, user=provider)
    services.assign_verification(verification, assessor=assessor, by=assessor)
    url = f"/assessor/verification/{verification.id}"
    client.sign_in(assessor.email)

    client.submit(
        f"{url}/conflict", {"declaration": "conflict", "conflict_note": "My sister works there"}, page_url=url
    )

    assert verification.status == VerificationStatus.REQUESTED and verification.assessor_id is None
    assert actions()[-1] == "verification.conflict_declared"


def test_a_member_of_the_organisation_can_never_be_assigned_or_decide(client, ready, assessor):
    organisation, provider = ready
    insider = make_assessor(name="Inside Assessor")
    insider.organisation_id = organisation.id
    db.session.commit()
    verification = services.request_verification(organisation, user=provider)

    assert insider not in services.assessors_for(verification)
    with pytest.raises(services.VerificationError, match="is a member of Peak Heritage Trust"):
        services.assign_verification(verification, assessor=insider, by=assessor)
    with pytest.raises(services.VerificationError, match="You are a member"):
        services.assign_verification(verification, assessor=insider, by=insider)
    client.sign_in(insider.email)
    url = f"/assessor/verification/{verification.id}"
    assert "so you cannot be assigned this request or decide it" in text_of(client.get(url))
    assert verification.status == VerificationStatus.REQUESTED


def test_only_the_assigned_assessor_decides(ready, assessor):
    organisation, provider = ready
    verification = in_review(organisation, provider, assessor)
    other = make_assessor(name="Other Assessor")

    with pytest.raises(services.VerificationError, match="Only the assessor assigned"):
        services.decide_verification(verification, assessor=other, results=all_met(), decision="verified", reasons="")
