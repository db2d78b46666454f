"""A trusted listing's material edits wait for review; the public, search, matching and the API keep the approved
version; minor edits and untrusted listings publish at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.core.clock import today
from marketplace.directory.models import Accreditation
from marketplace.extensions import db
from marketplace.notifications.models import OutboxEmail
from marketplace.revisions.models import ProfileRevision, RevisionKind, RevisionStatus
from marketplace.search.index.documents import organisation_document
from marketplace.verification.models import RequestReason
from marketplace.verification.services import open_request
from marketplace.verification.status import verification_state
from tests.api.addresses import org_url
from tests.client import get_json, new_client, text_of
from tests.directory.evidence import files
from tests.directory.evidence.test_records import MULTIPART, accreditation_form
from tests.factories import make_commissioner, make_ready_organisation
from tests.forms import upload
from tests.lookups import audit_events
from tests.revisions.helpers import edit_safeguarding, latest_revision, rename


def test_a_trusted_listing_s_new_name_waits_for_review_while_its_description_publishes_at_once(
    app, trusted, provider_client, assessor
):
    organisation, _ = trusted

    response = rename(provider_client, organisation, description="Heritage walks for families")

    assert response.status_code == 302
    db.session.expire_all()
    assert organisation.name == "Peak Heritage Trust"  # the approved name stays live
    assert organisation.description == "Heritage walks for families"  # a minor field is public at once
    revision = latest_revision()
    assert revision.status == RevisionStatus.PENDING and revision.kind == RevisionKind.BASICS
    assert revision.changes == [
        {
            "field": "name",
            "label": "Organisation name",
            "before": "Peak Heritage Trust",
            "after": "Peak Heritage Trust Limited",
        }
    ]
    assert audit_events("revision.submitted")[0].after["changes"] == revision.changes
    email = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id.desc()).limit(1)).one()
    assert email.to_address == assessor.email and "Peak Heritage Trust Limited" in email.body


def test_the_public_profile_search_and_the_api_keep_the_approved_name_until_approval(app, trusted, provider_client):
    organisation, _ = trusted
    rename(provider_client, organisation)
    db.session.expire_all()

    public = new_client(app)
    page = text_of(public.get(f"/organisations/{organisation.id}"))
    assert "Peak Heritage Trust" in page and "Peak Heritage Trust Limited" not in page
    assert get_json(public, org_url(organisation))["name"] == "Peak Heritage Trust"
    assert organisation_document(organisation)["name"] == "Peak Heritage Trust"


def test_the_provider_sees_its_change_waiting_for_review_with_the_diff(trusted, provider_client):
    organisation, _ = trusted
    rename(provider_client, organisation)

    page = text_of(provider_client.get("/provider/profile"))

    assert "Your change is waiting for review" in page
    assert "Organisation name Peak Heritage Trust Peak Heritage Trust Limited" in page


def test_an_untrusted_listing_changes_its_name_at_once(app):
    organisation, provider = make_ready_organisation("Unverified Museum")
    client = new_client(app)
    client.sign_in(provider.email)

    rename(client, organisation, name="Unverified Museum Trust")

    db.session.expire_all()
    assert organisation.name == "Unverified Museum Trust"
    assert latest_revision() is None


def test_a_safeguarding_change_waits_for_review_and_lapses_the_verification_at_once(app, trusted, provider_client):
    organisation, _ = trusted

    response = edit_safeguarding(provider_client, lead_name="Ben Jones", dbs_coverage_percent="100")

    assert response.status_code == 302
    db.session.expire_all()
    record = organisation.safeguarding
    assert record.lead_name == "Sam Lead"  # unchanged until approved
    revision = latest_revision()
    assert revision.kind == RevisionKind.SAFEGUARDING
    rows = {row["label"]: (row["before"], row["after"]) for row in revision.changes}
    assert rows["Designated lead"] == ("Sam Lead", "Ben Jones")
    assert "DBS coverage" not in rows  # 100% before and after: unchanged fields are left out
    assert verification_state(organisation).key == "lapsed"
    assert open_request(organisation).reason == RequestReason.REVERIFICATION
    assert "Verification lapsed" in text_of(new_client(app).get(f"/organisations/{organisation.id}"))


def test_a_new_policy_document_is_stored_but_not_linked_until_approval(trusted, provider_client):
    organisation, _ = trusted
    old_document_id = organisation.safeguarding.policy_document_id

    edit_safeguarding(provider_client, document=upload(files.pdf(), "new-policy.pdf"))

    db.session.expire_all()
    assert organisation.safeguarding.policy_document_id == old_document_id
    revision = latest_revision()
    assert revision.document.original_filename == "new-policy.pdf"
    assert {
        "field": "document",
        "label": "Policy document",
        "before": "safeguarding-policy.pdf",
        "after": "new-policy.pdf",
    } in revision.changes


def test_a_later_change_to_the_same_record_is_laid_over_the_one_waiting(trusted, provider_client):
    organisation, _ = trusted
    rename(provider_client, organisation, name="First Name")
    rename(provider_client, organisation, name="Second Name")
    rename(provider_client, organisation, name=organisation.name, registration_number="7654321")  # approved name

    revision = latest_revision()
    assert {row["field"]: row["after"] for row in revision.changes} == {
        "name": "Second Name",
        "registration_number": "7654321",
    }
    assert revision.proposed == {"name": "Second Name", "registration_number": "7654321"}
    assert len(audit_events("revision.submitted")) == 1 and len(audit_events("revision.updated")) == 2


def test_accreditation_changes_and_removals_wait_for_review(trusted, provider_client):
    organisation, _ = trusted
    accreditation = organisation.accreditations[0]
    expires = today() + timedelta(days=900)

    provider_client.submit(
        f"/provider/evidence/accreditations/{accreditation.id}",
        accreditation_form(expires_on=[str(expires.day), str(expires.month), str(expires.year)]),
        **MULTIPART,
    )
    url = f"/provider/evidence/accreditations/{accreditation.id}/delete"
    provider_client.submit(url, {})

    db.session.expire_all()
    assert db.session.get(Accreditation, accreditation.id).expires_on != expires
    kinds = sorted(revision.kind for revision in db.session.scalars(select(ProfileRevision)))
    assert kinds == [RevisionKind.ACCREDITATION, RevisionKind.ACCREDITATION_DELETION]


def test_a_document_waiting_for_review_opens_only_for_the_organisation_and_staff(
    app, trusted, provider_client, assessor
):
    organisation, _ = trusted
    live_document_id = organisation.safeguarding.policy_document_id
    edit_safeguarding(provider_client, document=upload(files.pdf(), "new-policy.pdf"))
    staged_id = latest_revision().document_id
    commissioner = new_client(app)
    commissioner.sign_in(make_commissioner().email)
    staff = new_client(app)
    staff.sign_in(assessor.email)

    assert commissioner.get(f"/documents/{live_document_id}").status_code == 200
    assert commissioner.get(f"/documents/{staged_id}").status_code == 404
    assert provider_client.get(f"/documents/{staged_id}").status_code == 200
    assert staff.get(f"/documents/{staged_id}").status_code == 200
