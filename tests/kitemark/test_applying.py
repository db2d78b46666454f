"""Providers apply once the readiness checklist is complete; the application freezes the evidence it is judged on."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.directory.models import OrganisationStatus
from marketplace.extensions import db
from marketplace.kitemark import services
from marketplace.kitemark.models import ApplicationStatus, KitemarkApplication
from tests import factories
from tests.client import error_summary, text_of
from tests.factories import all_verified, review_ready

CONFIRM = {"confirm": "y"}


def applications(organisation) -> list[KitemarkApplication]:
    query = select(KitemarkApplication).where(KitemarkApplication.organisation_id == organisation.id)
    return list(db.session.scalars(query))


def test_a_ready_organisation_applies_and_its_evidence_is_frozen(client, ready):
    organisation, provider = ready
    client.sign_in(provider.email)

    response = client.submit("/provider/kitemark/apply", CONFIRM, page_url="/provider/kitemark")

    assert response.status_code == 302
    [application] = applications(organisation)
    assert application.status == ApplicationStatus.SUBMITTED
    snapshot = application.snapshot
    assert snapshot["governance"]["registration_number"] == "1234567"
    assert snapshot["safeguarding"]["dbs_coverage_percent"] == 100
    assert snapshot["safeguarding"]["policy_document"]["filename"] == "safeguarding-policy.pdf"
    # Editing the profile afterwards does not change what the assessor reviews.
    organisation.registration_number = "CHANGED"
    db.session.commit()
    db.session.refresh(application)
    assert application.snapshot["governance"]["registration_number"] == "1234567"
    page = text_of(client.get("/provider/kitemark"))
    assert "Waiting for an assessor" in page and "you cannot change the application while it is being reviewed" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "kitemark.applied")) is not None


def test_an_organisation_with_an_incomplete_checklist_cannot_apply(client, app):
    organisation = factories.make_organisation("Half Ready Museum", status=OrganisationStatus.PUBLISHED)
    provider = factories.make_provider(organisation)
    client.sign_in(provider.email)

    page = text_of(client.get("/provider/kitemark"))
    assert "You cannot apply yet" in page and "Current safeguarding policy" in page

    response = client.submit("/provider/kitemark/apply", CONFIRM, page_url="/provider/kitemark")
    assert response.status_code == 302
    assert "Current safeguarding policy" in text_of(client.get("/provider/kitemark"))
    assert applications(organisation) == []


def test_applying_without_confirming_shows_the_error_summary(client, ready):
    organisation, provider = ready
    client.sign_in(provider.email)

    response = client.submit("/provider/kitemark/apply", {}, page_url="/provider/kitemark")

    assert response.status_code == 400
    assert error_summary(response) == ["Confirm that your evidence is accurate and up to date"]
    assert text_of(response).startswith("Error: ")
    assert applications(organisation) == []


def test_a_member_who_is_not_the_account_manager_cannot_apply(client, ready):
    organisation, _ = ready
    member = factories.make_provider(organisation, is_org_admin=False)
    client.sign_in(member.email)

    assert "account manager can apply" in text_of(client.get("/provider/kitemark"))
    response = client.submit("/provider/kitemark/apply", CONFIRM, page_url="/provider/kitemark")
    assert response.status_code == 403
    assert applications(organisation) == []


def test_only_one_application_is_open_at_a_time(ready):
    organisation, provider = ready
    services.apply_for_kitemark(organisation, user=provider)

    assert services.why_cannot_apply(organisation) == ["Your organisation already has an open kitemark application."]


def test_the_provider_cannot_resubmit_an_application_under_review(client, ready, assessor):
    organisation, provider = ready
    application = review_ready(organisation, provider, assessor)
    snapshot = dict(application.snapshot)
    organisation.registration_number = "9999"
    db.session.commit()
    client.sign_in(provider.email)

    response = client.submit("/provider/kitemark/resubmit", CONFIRM, page_url="/provider/kitemark")

    assert response.status_code == 302
    assert "only resubmit an application when an assessor has asked for changes" in text_of(
        client.get("/provider/kitemark")
    )
    db.session.refresh(application)
    assert application.status == ApplicationStatus.IN_REVIEW and application.snapshot == snapshot


def test_after_changes_are_requested_the_provider_sees_what_to_fix_and_resubmits(client, ready, assessor, outbox):
    organisation, provider = ready
    application = review_ready(organisation, provider, assessor)
    results = all_verified() | {"governance": services.CheckResult(False, "Add your charity number")}
    services.decide_application(
        application, assessor=assessor, results=results, decision=services.Decision.CHANGES, reasons="Nearly there"
    )
    email = next(message for message in outbox if message["To"] == provider.email)
    assert "Nearly there" in email.get_content() and "Governance and finances: Add your charity number" in (
        email.get_content()
    )
    client.sign_in(provider.email)
    page = text_of(client.get("/provider/kitemark"))
    assert "What the assessor asked you to fix" in page and "Governance and finances : Add your charity number" in page

    organisation.registration_number = "CC-1000"
    db.session.commit()
    response = client.submit("/provider/kitemark/resubmit", CONFIRM, page_url="/provider/kitemark")

    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == ApplicationStatus.IN_REVIEW  # back with the same assessor
    assert application.snapshot["governance"]["registration_number"] == "CC-1000"
