"""Providers: the readiness checklist shows the true status and why it matters; asking for verification."""

from __future__ import annotations

from marketplace.verification import services
from marketplace.verification.models import VerificationStatus
from tests import factories
from tests.client import error_summary, text_of
from tests.factories import make_need
from tests.factories.verification import verified
from tests.lookups import verification_actions as actions


def test_the_checklist_says_how_many_open_needs_require_verification(client, ready):
    organisation, provider = ready
    body = factories.make_body("Derby Children's Services")
    for _ in range(3):
        make_need(body, requires_safeguarding_verified=True)
    make_need(body)  # no requirement: not counted
    client.sign_in(provider.email)

    page = text_of(client.get("/provider"))

    assert "Safeguarding verification Not verified" in page
    assert "3 open needs require verified safeguarding" in page
    assert "Ask for your safeguarding to be verified" in page


def test_the_account_manager_asks_and_the_assessors_are_emailed(client, ready, assessor, outbox):
    organisation, provider = ready
    client.sign_in(provider.email)

    response = client.submit("/provider/verification/request", {"confirm": "y"}, page_url="/provider/verification")

    assert response.status_code == 302
    request = services.open_request(organisation)
    assert request.status == VerificationStatus.REQUESTED and request.requested_by_id == provider.id
    assert actions() == ["verification.requested"]
    assert [message["To"] for message in outbox] == [assessor.email]
    assert "Peak Heritage Trust" in outbox[0]["Subject"]
    page = text_of(client.get("/provider"))
    assert "Waiting for an assessor" in page


def test_asking_without_confirming_shows_the_error_summary(client, ready):
    organisation, provider = ready
    client.sign_in(provider.email)

    response = client.submit("/provider/verification/request", {}, page_url="/provider/verification")

    assert response.status_code == 400
    assert text_of(response).startswith("Error: ")
    assert error_summary(response) == ["Confirm that your safeguarding record is accurate and up to date"]
    assert services.open_request(organisation) is None


def test_only_one_request_is_open_and_a_verified_record_need_not_ask(client, ready, assessor):
    organisation, provider = ready
    services.request_verification(organisation, user=provider)
    client.sign_in(provider.email)

    again = client.submit("/provider/verification/request", {"confirm": "y"}, page_url="/provider/verification")

    assert again.status_code == 302
    assert "Your request for verification is with the assessors." in text_of(client.get("/provider/verification"))
    assert len(services.history(organisation)) == 1


def test_an_organisation_without_a_safeguarding_record_cannot_ask(client, app):
    organisation = factories.make_organisation("Blank Arts")
    provider = factories.make_provider(organisation)
    client.sign_in(provider.email)

    page = text_of(client.get("/provider/verification"))

    assert "Add your safeguarding record before you ask for it to be verified." in page
    assert services.why_cannot_request(organisation)


def test_a_member_who_is_not_the_account_manager_cannot_ask(client, ready):
    organisation, _ = ready
    member = factories.make_provider(organisation, is_org_admin=False)
    client.sign_in(member.email)

    response = client.submit("/provider/verification/request", {"confirm": "y"}, page_url="/provider/verification")

    assert response.status_code == 403
    assert services.open_request(organisation) is None


def test_a_verified_provider_sees_until_when(client, ready, assessor):
    organisation, provider = ready
    verification = verified(organisation, provider, assessor)
    client.sign_in(provider.email)

    page = text_of(client.get("/provider"))

    assert "Safeguarding verified until" in page
    assert verification.valid_until is not None
    assert "require verified safeguarding" not in page
