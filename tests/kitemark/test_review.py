"""Assessors: the queue (oldest first, filters), assignment, conflicts of interest, the checklist and decision."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.core.clock import today, utcnow
from marketplace.extensions import db
from marketplace.kitemark import services
from marketplace.kitemark.checklist import CHECKLIST_KEYS
from marketplace.kitemark.models import ApplicationStatus, Kitemark
from marketplace.reference.services import terms_by_code
from tests.client import FormClient, error_summary, text_of
from tests.factories import all_verified, make_assessor, make_ready_organisation, review_ready

LEICESTER = "E06000016"


def review_data(decision: str = "award", reasons: str = "Everything checks out", **overrides: str) -> dict:
    data = {f"{key}_result": "verified" for key in CHECKLIST_KEYS}
    return {**data, "decision": decision, "reasons": reasons, **overrides}


def actions() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("kitemark.%")).order_by(AuditEvent.id)
        )
    )


def test_the_queue_lists_applications_oldest_first_with_their_age_and_filters(client, assessor):
    old, old_provider = make_ready_organisation("Old Museum")
    new, new_provider = make_ready_organisation(
        "New Gallery", locality=LEICESTER, organisation_type=terms_by_code("organisation_type")["gallery"]
    )
    services.apply_for_kitemark(new, user=new_provider)
    first = services.apply_for_kitemark(old, user=old_provider)
    first.submitted_at = utcnow() - timedelta(days=9)
    db.session.commit()
    client.sign_in(assessor.email)

    page = text_of(client.get("/assessor/kitemark"))
    assert page.index("Old Museum") < page.index("New Gallery")
    assert "9 days" in page and "Today" in page
    gallery_only = text_of(client.get("/assessor/kitemark?organisation_type=gallery"))
    assert "New Gallery" in gallery_only and "Old Museum" not in gallery_only
    derby = client.get("/assessor/kitemark?region=East+Midlands&organisation_type=museum")
    assert "Old Museum" in text_of(derby) and "New Gallery" not in text_of(derby)
    assert client.get("/assessor/kitemark?region=<script>&organisation_type=nonsense").status_code == 200


def test_an_assessor_assigns_then_must_declare_no_conflict_before_deciding(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    url = f"/assessor/kitemark/applications/{application.id}"
    client.sign_in(assessor.email)

    client.submit(f"{url}/assign", {"assessor_id": str(assessor.id)}, page_url=url)
    early = client.submit(f"{url}/decision", review_data(), page_url=url)
    assert early.status_code == 302
    assert "Declare that you have no conflict of interest" in text_of(client.get(url))

    client.submit(f"{url}/conflict", {"declaration": "none"}, page_url=url)
    response = client.submit(f"{url}/decision", review_data(), page_url=url)

    assert response.status_code == 302
    kitemark = db.session.scalar(select(Kitemark).where(Kitemark.organisation_id == organisation.id))
    assert kitemark.awarded_on == today()
    assert (kitemark.expires_on - kitemark.awarded_on).days in (365, 366)
    assert actions() == ["kitemark.applied", "kitemark.assigned", "kitemark.no_conflict_declared", "kitemark.awarded"]


def test_an_assessor_declaring_a_conflict_steps_aside(client, ready, assessor):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    services.assign_application(application, assessor=assessor, by=assessor)
    url = f"/assessor/kitemark/applications/{application.id}"
    client.sign_in(assessor.email)

    missing_note = client.submit(f"{url}/conflict", {"declaration": "conflict"}, page_url=url)
    assert missing_note.status_code == 400
    assert error_summary(missing_note) == ["Describe the conflict of interest"]

    client.submit(
        f"{url}/conflict", {"declaration": "conflict", "conflict_note": "My sister works there"}, page_url=url
    )

    db.session.refresh(application)
    assert application.assessor_id is None and application.status == ApplicationStatus.SUBMITTED
    assert "My sister works there" in text_of(client.get(url))


def test_an_assessor_who_belongs_to_the_organisation_cannot_be_assigned_or_decide(app, client, ready, assessor):
    organisation, provider = ready
    insider = make_assessor(name="Inside Assessor", organisation=organisation)
    application = services.apply_for_kitemark(organisation, user=provider)
    url = f"/assessor/kitemark/applications/{application.id}"

    assert insider not in services.assessors_for(application)
    client.sign_in(assessor.email)
    refused = client.submit(f"{url}/assign", {"assessor_id": str(insider.id)}, page_url=url)
    assert refused.status_code == 400 and error_summary(refused) == ["Select an assessor from the list"]

    client = FormClient(app.test_client())
    client.sign_in(insider.email)
    assert "you cannot be assigned this application or decide it" in text_of(client.get(url))
    # Even when assigned behind the page's back, the service refuses the insider.
    application.assessor, application.status, application.no_conflict_declared_at = insider, "in_review", utcnow()
    db.session.commit()
    client.submit(f"{url}/decision", review_data(), page_url="/assessor/kitemark")
    assert "you cannot assess its kitemark" in text_of(client.get("/assessor/kitemark"))
    assert db.session.scalar(select(Kitemark)) is None


def test_only_the_assigned_assessor_decides(client, ready, assessor):
    organisation, provider = ready
    application = review_ready(organisation, provider, assessor)
    other = make_assessor(name="Other Assessor")
    client.sign_in(other.email)

    client.submit(f"/assessor/kitemark/applications/{application.id}/decision", review_data(), page_url="/assessor")

    assert "Only the assessor assigned to this application can do this" in text_of(client.get("/assessor"))
    db.session.refresh(application)
    assert application.status == ApplicationStatus.IN_REVIEW


def test_the_review_form_refuses_incomplete_or_inconsistent_input(client, ready, assessor):
    organisation, provider = ready
    application = review_ready(organisation, provider, assessor)
    url = f"/assessor/kitemark/applications/{application.id}"
    client.sign_in(assessor.email)

    blank = client.submit(f"{url}/decision", {}, page_url=url)
    assert blank.status_code == 400
    assert "Select whether dbs coverage is verified or failed" in error_summary(blank)
    assert {"Select a decision", "Enter the reasons for your decision"} <= set(error_summary(blank))

    failed_no_note = client.submit(f"{url}/decision", review_data(dbs_coverage_result="failed"), page_url=url)
    assert "Say what the provider must fix for dbs coverage" in error_summary(failed_no_note)
    assert "You can only award the kitemark when every item is verified" in error_summary(failed_no_note)

    tampered = client.submit(f"{url}/decision", review_data(decision="promote"), page_url=url)
    assert tampered.status_code == 400 and "Not a valid choice." in error_summary(tampered)
    assert db.session.scalar(select(Kitemark)) is None


def test_refusal_tells_the_provider_with_reasons(client, ready, assessor, outbox):
    organisation, provider = ready
    application = review_ready(organisation, provider, assessor)

    services.decide_application(
        application,
        assessor=assessor,
        results=all_verified() | {"value_for_money": services.CheckResult(False, "No unit cost")},
        decision=services.Decision.REFUSE,
        reasons="Costs are not credible",
    )

    [email] = [message for message in outbox if message["To"] == provider.email]
    assert email["Subject"] == "Kitemark application refused"
    assert "Costs are not credible" in email.get_content() and "Value for money: No unit cost" in email.get_content()
    client.sign_in(provider.email)
    page = text_of(client.get("/provider/kitemark"))
    assert "Refused" in page and "Costs are not credible" in page and "No unit cost" in page


def test_the_review_page_shows_the_snapshot_and_opens_its_documents_inline(client, ready, assessor):
    organisation, provider = ready
    application = review_ready(organisation, provider, assessor)
    client.sign_in(assessor.email)

    page = client.get(f"/assessor/kitemark/applications/{application.id}")
    assert "safeguarding-policy.pdf" in text_of(page) and "certificate.png" in text_of(page)
    entry = application.snapshot["safeguarding"]["policy_document"]
    document = client.get(f"/assessor/kitemark/applications/{application.id}/documents/{entry['id']}")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    assert document.headers["Content-Disposition"].startswith("inline")
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    # A document outside the snapshot is not reachable through the application.
    assert client.get(f"/assessor/kitemark/applications/{application.id}/documents/999999").status_code == 404


def test_the_review_says_when_it_was_submitted_in_words_and_shows_governance_apart_from_contact(
    client, ready, assessor
):
    organisation, provider = ready
    application = services.apply_for_kitemark(organisation, user=provider)
    client.sign_in(assessor.email)

    page = client.get(f"/assessor/kitemark/applications/{application.id}").get_data(as_text=True)
    assert "Today ago" not in page and "(today)" in page
    assert '<h3 class="govuk-heading-s">Governance</h3>' in page
    assert '<h3 class="govuk-heading-s">Contact details</h3>' in page
    assert "Registered with" in page and provider.name in page  # the accountable account manager
