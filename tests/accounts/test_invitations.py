"""Team invitations: org-admins invite colleagues into their own organisation or body, by single-use link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Invitation
from marketplace.core.clock import utcnow
from marketplace.core.roles import Role
from marketplace.extensions import db
from tests import factories
from tests.client import error_summary, link_in, new_client, path_of, text_of
from tests.factories import NEW_PASSWORD
from tests.lookups import audit_events, user_by_email

TEAM = "/account/team"
COLLEAGUE = "colleague@example.org"


def invite(client, email: str = COLLEAGUE, *, as_admin: bool = False):
    data = {"email": email, **({"is_org_admin": "y"} if as_admin else {})}
    return client.submit(TEAM, data, page_url="/account/")


def accept(client, link: str, name: str = "Colin League"):
    return client.submit(path_of(link), {"name": name, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})


def invitation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Invitation))


@pytest.fixture
def org_admin(client):
    admin = factories.make_provider(is_org_admin=True)
    client.sign_in(admin.email)
    return admin


def test_org_admin_invitation_emails_the_colleague_a_link(org_admin, client, outbox):
    response = invite(client)

    assert response.status_code == 302
    assert [message["To"] for message in outbox] == [COLLEAGUE]
    assert org_admin.organisation.name in outbox[0].get_content()
    assert path_of(link_in(outbox[0])).startswith("/account/invitations/")
    assert [event.actor_id for event in audit_events("invitation.sent")] == [org_admin.id]


@pytest.mark.parametrize("as_admin", [True, False], ids=["as-org-admin", "as-member"])
def test_accepting_an_invitation_creates_a_provider_in_the_same_organisation(app, org_admin, client, outbox, as_admin):
    invite(client, as_admin=as_admin)
    colleague_browser = new_client(app)

    response = accept(colleague_browser, link_in(outbox[0]))

    assert response.status_code == 302
    colleague = user_by_email(COLLEAGUE)
    assert colleague.role == Role.PROVIDER.value
    assert colleague.organisation_id == org_admin.organisation_id
    assert colleague.is_org_admin is as_admin
    assert colleague.name == "Colin League"
    assert colleague_browser.get("/dashboard").headers["Location"] == "/provider", "the new member is signed in"
    assert [event.actor_id for event in audit_events("invitation.accepted")] == [colleague.id]


def test_an_invitation_link_cannot_be_used_twice(app, org_admin, client, outbox):
    invite(client)
    link = link_in(outbox[0])
    accept(new_client(app), link)

    second_browser = new_client(app)
    response = second_browser.get(path_of(link))

    assert response.status_code == 404
    assert "This invitation has expired, been cancelled or already been used" in text_of(response)
    assert db.session.scalar(select(func.count()).where(func.lower(Invitation.email) == COLLEAGUE)) == 1


def test_member_who_is_not_org_admin_cannot_invite(client, outbox):
    admin = factories.make_provider(is_org_admin=True)
    member = factories.make_provider(admin.organisation, is_org_admin=False)
    client.sign_in(member.email)

    response = invite(client)

    assert response.status_code == 403
    assert outbox == []
    assert invitation_count() == 0


def test_inviting_an_email_that_already_has_an_account_is_refused(org_admin, client, outbox):
    factories.make_commissioner(email=COLLEAGUE)

    response = invite(client, COLLEAGUE.upper())

    assert response.status_code == 200
    assert "An account already exists for this email address" in " ".join(error_summary(response))
    assert outbox == []
    assert invitation_count() == 0


def test_another_organisations_admin_cannot_revoke_an_invitation(app, org_admin, client, outbox):
    invite(client)
    invitation = db.session.scalar(select(Invitation))
    intruder = factories.make_provider(is_org_admin=True)
    intruder_browser = new_client(app)
    intruder_browser.sign_in(intruder.email)

    response = intruder_browser.submit(f"/account/team/invitations/{invitation.id}/revoke", {}, page_url="/account/")

    assert response.status_code == 404
    db.session.refresh(invitation)
    assert invitation.revoked_at is None
    assert new_client(app).get(path_of(link_in(outbox[0]))).status_code == 200


def test_the_inviting_admin_can_revoke_an_invitation_and_its_link_stops_working(app, org_admin, client, outbox):
    invite(client)
    invitation = db.session.scalar(select(Invitation))

    response = client.submit(
        f"/account/team/invitations/{invitation.id}/revoke", {}, page_url=TEAM, follow_redirects=True
    )

    assert response.request.path == TEAM
    assert f"Invitation to {COLLEAGUE} cancelled" in text_of(response)
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    assert len(audit_events("invitation.revoked")) == 1
    assert new_client(app).get(path_of(link_in(outbox[0]))).status_code == 404
    assert COLLEAGUE not in text_of(client.get(TEAM)), "a revoked invitation is no longer listed as waiting"


def test_an_expired_invitation_shows_the_invalid_page(app, org_admin, client, outbox):
    invite(client)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    link = link_in(outbox[0])
    colleague_browser = new_client(app)

    response = colleague_browser.get(path_of(link))

    assert response.status_code == 404
    assert "This invitation has expired" in text_of(response)
    assert user_by_email(COLLEAGUE) is None


def test_commissioner_invitation_creates_a_commissioner_who_still_needs_approval(app, client, outbox):
    inviter = factories.make_commissioner(is_org_admin=True, approved=True)
    client.sign_in(inviter.email)
    invite(client)

    response = accept(new_client(app), link_in(outbox[0]))

    assert response.status_code == 302
    colleague = user_by_email(COLLEAGUE)
    assert colleague.role == Role.COMMISSIONER.value
    assert colleague.commissioning_body_id == inviter.commissioning_body_id
    assert colleague.is_approved is False
    assert colleague.approved_at is None


def test_pending_commissioner_admin_cannot_invite_colleagues(client, outbox):
    inviter = factories.make_commissioner(is_org_admin=True, approved=False)
    client.sign_in(inviter.email)

    response = invite(client)

    assert response.status_code == 200
    assert "You cannot invite people to this organisation" in text_of(response)
    assert outbox == []
    assert invitation_count() == 0


def test_the_subject_carries_no_text_the_organisation_chose(client, outbox):
    admin = factories.make_provider(
        factories.make_organisation("URGENT: verify your bank details at evil.example"), is_org_admin=True
    )
    client.sign_in(admin.email)

    invite(client)

    assert outbox[0]["Subject"] == "You have been invited to the Cultural Commissioning Marketplace"


def test_an_organisation_can_send_a_limited_number_of_invitations_an_hour(app, org_admin, client, outbox):
    app.config.update(INVITATIONS_PER_HOUR=3)
    colleague = factories.make_provider(org_admin.organisation, is_org_admin=True)
    for number in range(3):
        assert invite(client, f"person{number}@example.org").status_code == 302
    other_browser = new_client(app)
    other_browser.sign_in(colleague.email)

    response = invite(other_browser, "one-more@example.org")  # another admin of the same organisation

    assert response.status_code == 200
    assert error_summary(response) == ["You can send up to 3 invitations in an hour. Try again later"]
    assert invitation_count() == 3 and len(outbox) == 3


def test_the_hourly_allowance_comes_back_after_an_hour_and_the_daily_one_still_applies(app, org_admin, client):
    app.config.update(INVITATIONS_PER_HOUR=2, INVITATIONS_PER_DAY=3)
    for number in range(2):
        invite(client, f"person{number}@example.org")
    for invitation in db.session.scalars(select(Invitation)):
        invitation.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()

    assert invite(client, "later@example.org").status_code == 302
    assert error_summary(invite(client, "too-many@example.org")) == [
        "You can send up to 3 invitations in 24 hours. Try again later"
    ]
