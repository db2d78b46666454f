"""An assessor approves (the change goes live) or rejects with reasons; the provider may withdraw; who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.directory.models import Accreditation, EvidenceDocument
from marketplace.extensions import db
from marketplace.notifications.models import OutboxEmail
from marketplace.revisions import services
from marketplace.revisions.models import RevisionStatus
from marketplace.verification.models import RequestReason
from marketplace.verification.services import open_request
from marketplace.verification.status import verification_state
from tests.api.addresses import org_url
from tests.client import error_summary, get_json, new_client, text_of
from tests.directory.evidence import files
from tests.factories import make_provider, make_ready_organisation
from tests.forms import upload
from tests.lookups import audit_events
from tests.revisions.helpers import approve, decide, edit_safeguarding, latest_revision, rename


def _last_email() -> OutboxEmail:
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(1)).one()


def test_approving_a_new_name_publishes_it_everywhere_and_tells_the_provider(
    app, trusted, provider_client, assessor_client
):
    organisation, provider = trusted
    rename(provider_client, organisation)
    revision = latest_revision()

    response = approve(assessor_client, revision)

    assert response.status_code == 302
    db.session.expire_all()
    assert revision.status == RevisionStatus.APPROVED and revision.decided_by_id is not None
    assert organisation.name == "Peak Heritage Trust Limited"
    assert get_json(new_client(app), org_url(organisation))["name"] == "Peak Heritage Trust Limited"
    assert audit_events("revision.approved")[0].after["status"] == RevisionStatus.APPROVED
    email = _last_email()
    assert email.to_address == provider.email and "approved" in email.subject
    assert "Your change is waiting for review" not in text_of(provider_client.get("/provider/profile"))


def test_approving_a_safeguarding_change_applies_it_and_leaves_it_for_re_verification(
    trusted, provider_client, assessor_client
):
    organisation, _ = trusted
    edit_safeguarding(provider_client, lead_name="Ben Jones", document=upload(files.pdf(), "new-policy.pdf"))
    revision = latest_revision()
    old_document_id = organisation.safeguarding.policy_document_id

    approve(assessor_client, revision)

    db.session.expire_all()
    record = organisation.safeguarding
    assert record.lead_name == "Ben Jones" and record.policy_document.original_filename == "new-policy.pdf"
    assert db.session.get(EvidenceDocument, old_document_id) is None  # the replaced policy is deleted
    assert verification_state(organisation).key == "lapsed"
    assert open_request(organisation).reason == RequestReason.REVERIFICATION


def test_rejecting_discards_the_change_with_reasons_emailed_to_the_account_manager(
    app, trusted, provider_client, assessor_client
):
    organisation, provider = trusted
    edit_safeguarding(provider_client, lead_name="Ben Jones", document=upload(files.pdf(), "new-policy.pdf"))
    revision = latest_revision()
    staged_id = revision.document_id

    decide(assessor_client, revision, no_conflict="y", decision="reject", reasons="Name the trained lead.")

    db.session.expire_all()
    assert revision.status == RevisionStatus.REJECTED and revision.reasons == "Name the trained lead."
    assert organisation.safeguarding.lead_name == "Sam Lead"
    assert db.session.get(EvidenceDocument, staged_id) is None
    email = _last_email()
    assert email.to_address == provider.email and "Name the trained lead." in email.body
    assert "Reasons: Name the trained lead." in text_of(provider_client.get("/provider/changes"))


def test_the_provider_withdraws_its_change_and_the_approved_details_stay(trusted, provider_client):
    organisation, _ = trusted
    rename(provider_client, organisation)
    revision = latest_revision()

    provider_client.submit(f"/provider/changes/{revision.id}/withdraw", {}, page_url="/provider/changes")

    db.session.expire_all()
    assert revision.status == RevisionStatus.WITHDRAWN
    assert organisation.name == "Peak Heritage Trust"
    assert audit_events("revision.withdrawn")
    assert "You have no changes waiting for review" in text_of(provider_client.get("/provider/changes"))


def test_another_provider_never_sees_or_withdraws_a_pending_change(app, trusted, provider_client):
    organisation, _ = trusted
    rename(provider_client, organisation)
    revision = latest_revision()
    other_organisation, other = make_ready_organisation("Other Museum")
    client = new_client(app)
    client.sign_in(other.email)

    assert "Peak Heritage Trust Limited" not in text_of(client.get("/provider/changes"))
    assert "Peak Heritage Trust Limited" not in text_of(client.get("/provider/profile"))
    response = client.submit(f"/provider/changes/{revision.id}/withdraw", {}, page_url="/provider/changes")
    assert response.status_code == 404
    db.session.expire_all()
    assert revision.status == RevisionStatus.PENDING


def test_an_assessor_who_is_a_member_of_the_organisation_cannot_decide(app, trusted, provider_client, assessor):
    organisation, _ = trusted
    rename(provider_client, organisation)
    revision = latest_revision()
    assessor.organisation = organisation
    db.session.commit()
    client = new_client(app)
    client.sign_in(assessor.email)

    assert "so you cannot decide this change" in text_of(client.get(f"/assessor/changes/{revision.id}"))
    with pytest.raises(services.RevisionError, match="member of Peak Heritage Trust"):
        services.approve_revision(revision, assessor=assessor, no_conflict=True)
    response = approve(client, revision)

    db.session.expire_all()
    assert response.status_code == 302 and revision.status == RevisionStatus.PENDING


def test_a_decision_without_the_declaration_or_reasons_is_refused_with_messages(
    trusted, provider_client, assessor_client
):
    organisation, _ = trusted
    rename(provider_client, organisation)
    revision = latest_revision()

    missing = decide(assessor_client, revision)
    rejected = decide(assessor_client, revision, no_conflict="y", decision="reject", reasons="  ")
    tampered = decide(assessor_client, revision, no_conflict="y", decision="publish-anyway")

    assert missing.status_code == 400
    assert error_summary(missing) == [
        "Confirm that you have no conflict of interest with this organisation",
        "Select a decision",
    ]
    assert error_summary(rejected) == ["Enter the reasons the change is rejected"]
    assert tampered.status_code == 400
    db.session.expire_all()
    assert revision.status == RevisionStatus.PENDING and organisation.name == "Peak Heritage Trust"


def test_a_decided_change_cannot_be_decided_again(trusted, provider_client, assessor_client):
    organisation, _ = trusted
    rename(provider_client, organisation)
    revision = latest_revision()
    approve(assessor_client, revision)

    response = decide(assessor_client, revision, no_conflict="y", decision="reject", reasons="Too late")

    db.session.expire_all()
    assert response.status_code == 302 and revision.status == RevisionStatus.APPROVED


def test_approving_an_accreditation_removal_deletes_it(trusted, provider_client, assessor_client):
    organisation, _ = trusted
    accreditation_id = organisation.accreditations[0].id
    provider_client.submit(f"/provider/evidence/accreditations/{accreditation_id}/delete", {})
    assert db.session.get(Accreditation, accreditation_id) is not None

    approve(assessor_client, latest_revision())

    db.session.expire_all()
    assert db.session.get(Accreditation, accreditation_id) is None


def test_a_colleague_who_did_not_send_the_change_can_withdraw_it(app, trusted, provider_client):
    organisation, _ = trusted
    rename(provider_client, organisation)
    colleague = make_provider(organisation, is_org_admin=False)
    client = new_client(app)
    client.sign_in(colleague.email)

    client.submit(f"/provider/changes/{latest_revision().id}/withdraw", {}, page_url="/provider/changes")

    assert latest_revision().status == RevisionStatus.WITHDRAWN


def test_the_verification_review_warns_of_a_safeguarding_change_waiting(trusted, provider_client, assessor_client):
    organisation, _ = trusted
    edit_safeguarding(provider_client, lead_name="Ben Jones")
    request = open_request(organisation)

    page = text_of(assessor_client.get(f"/assessor/verification/{request.id}"))

    assert "A change to this safeguarding record is waiting for review" in page
