"""Admin user management: approving commissioners, (de)activating accounts and inviting staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Invitation
from marketplace.core.roles import Role
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories
from tests.client import link_in, new_client, path_of, set_up_two_factor, text_of
from tests.factories import NEW_PASSWORD
from tests.lookups import audit_events, user_by_email

USERS = "/admin/users/"


@pytest.fixture
def admin(client):
    admin = factories.make_user(Role.ADMIN)
    client.sign_in(admin.email)
    return admin


def admin_post(client, user, action: str, **kwargs):
    return client.submit(f"/admin/users/{user.id}/{action}", {}, page_url=USERS, **kwargs)


def test_approving_a_commissioner_records_who_approved_them_and_when(admin, client):
    pending = factories.make_commissioner(approved=False)

    response = admin_post(client, pending, "approve")

    assert response.status_code == 302
    db.session.refresh(pending)
    assert pending.approved_at is not None
    assert pending.approved_by_id == admin.id
    assert pending.is_approved


def test_approval_tells_the_commissioner_in_app_and_by_email(admin, client, outbox):
    pending = factories.make_commissioner(approved=False)

    admin_post(client, pending, "approve")

    notifications = db.session.scalars(select(Notification).where(Notification.user_id == pending.id)).all()
    assert [notification.message for notification in notifications] == ["Your commissioner account has been approved"]
    assert [(message["To"], message["Subject"]) for message in outbox] == [
        (pending.email, "Your commissioner account has been approved")
    ]


def test_approval_is_audited_with_before_and_after(admin, client):
    pending = factories.make_commissioner(approved=False)

    admin_post(client, pending, "approve")

    [event] = audit_events("account.approved")
    assert event.actor_id == admin.id
    assert event.object_id == str(pending.id)
    assert event.before == {"approved": False}
    assert event.after == {"approved": True}


def test_approved_commissioner_can_open_their_dashboard(app, admin, client):
    pending = factories.make_commissioner(approved=False)
    commissioner_browser = new_client(app)
    commissioner_browser.sign_in(pending.email)
    assert commissioner_browser.get("/commissioner").status_code == 403

    admin_post(client, pending, "approve")

    assert commissioner_browser.get("/commissioner").status_code == 200


def test_deactivating_a_user_ends_their_session_and_stops_sign_in(app, admin, client):
    provider = factories.make_provider()
    provider_browser = new_client(app)
    provider_browser.sign_in(provider.email)

    response = admin_post(client, provider, "deactivate")

    assert response.status_code == 302
    db.session.refresh(provider)
    assert provider.is_active is False
    assert provider_browser.get("/account/").status_code == 302
    retry = provider_browser.submit("/account/sign-in", {"email": provider.email, "password": factories.PASSWORD})
    assert retry.status_code == 200
    assert "Enter a correct email address and password" in text_of(retry)
    [event] = audit_events("account.deactivated")
    assert (event.actor_id, event.before, event.after) == (admin.id, {"is_active": True}, {"is_active": False})


def test_admin_cannot_deactivate_themselves(admin, client):
    response = admin_post(client, admin, "deactivate", follow_redirects=True)

    assert "You cannot deactivate your own account" in text_of(response)
    db.session.refresh(admin)
    assert admin.is_active
    assert client.get(USERS).status_code == 200
    assert audit_events("account.deactivated") == []


def test_reactivated_user_can_sign_in_again(app, admin, client):
    provider = factories.make_provider(is_active=False)

    response = admin_post(client, provider, "activate")

    assert response.status_code == 302
    db.session.refresh(provider)
    assert provider.is_active
    assert len(audit_events("account.activated")) == 1
    new_client(app).sign_in(provider.email)


def test_admin_invites_an_assessor_who_can_then_open_the_assessor_pages(app, admin, client, outbox):
    response = client.submit("/admin/users/invite", {"email": "assessor@example.org", "role": "assessor"})

    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.email, invitation.role, invitation.invited_by_id) == (
        "assessor@example.org",
        "assessor",
        admin.id,
    )
    assert [message["To"] for message in outbox] == ["assessor@example.org"]

    assessor_browser = new_client(app)
    accepted = assessor_browser.submit(
        path_of(link_in(outbox[0])),
        {"name": "Ann Assessor", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )

    assert accepted.status_code == 302
    assessor = user_by_email("assessor@example.org")
    assert assessor.role == Role.ASSESSOR.value
    assert assessor.organisation_id is None and assessor.commissioning_body_id is None
    # Assessors must use two-factor sign-in: set up first, then the assessor pages open.
    assert assessor_browser.get("/assessor").headers["Location"] == "/account/two-factor"
    set_up_two_factor(assessor_browser)
    assert assessor_browser.get("/assessor").status_code == 200


def test_admin_invitation_to_an_existing_account_is_refused(admin, client, outbox):
    existing = factories.make_provider()

    response = client.submit("/admin/users/invite", {"email": existing.email, "role": "assessor"})

    assert response.status_code == 200
    assert "An account already exists for this email address" in text_of(response)
    assert outbox == []


@pytest.mark.parametrize(
    ("query", "listed"),
    [("?pending=1", {"pending"}), ("?role=assessor", {"assessor"}), ("?role=commissioner", {"pending", "approved"})],
)
def test_user_list_filters_show_only_matching_users(admin, client, query, listed):
    users = {
        "pending": factories.make_commissioner(approved=False, email="pending@example.org"),
        "approved": factories.make_commissioner(approved=True, email="approved@example.org"),
        "assessor": factories.make_user(Role.ASSESSOR, email="assessor@example.org"),
        "provider": factories.make_provider(email="provider@example.org"),
    }

    text = text_of(client.get(USERS + query))

    shown = {key for key, user in users.items() if user.email in text}
    assert shown == listed


def test_unfiltered_user_list_shows_everyone(admin, client):
    users = [factories.make_commissioner(approved=False), factories.make_user(Role.ASSESSOR), factories.make_provider()]

    text = text_of(client.get(USERS))

    assert all(user.email in text for user in [admin, *users])


@pytest.mark.parametrize("action", ["approve", "deactivate", "activate"])
def test_provider_cannot_use_admin_actions_even_with_a_valid_csrf_token(client, action):
    provider = factories.make_provider()
    target = factories.make_commissioner(approved=False, is_active=action != "activate")
    client.sign_in(provider.email)

    response = client.submit(f"/admin/users/{target.id}/{action}", {}, page_url="/account/")

    assert response.status_code == 403
    db.session.refresh(target)
    assert target.approved_at is None
    assert target.is_active is (action != "activate")
    assert audit_events(f"account.{action}d") == [] and audit_events("account.approved") == []


def test_admin_resets_a_lost_second_factor_and_the_holder_is_emailed_and_sets_it_up_again(app, admin, client, outbox):
    assessor = factories.make_user(Role.ASSESSOR, email="lost-phone@example.org", name="Lee Lostphone")
    assert "Reset two-factor" in text_of(client.get(USERS))

    response = admin_post(client, assessor, "reset-two-factor", follow_redirects=True)

    assert "Two-factor sign-in reset for Lee Lostphone" in text_of(response)
    db.session.refresh(assessor)
    assert not assessor.has_two_factor
    [event] = audit_events("account.two_factor_disabled")
    assert (event.actor_id, event.summary) == (admin.id, f"reset by {admin.name}")
    assert [(message["To"], message["Subject"]) for message in outbox] == [
        ("lost-phone@example.org", "Your two-factor sign-in on the Cultural Commissioning Marketplace was reset")
    ]
    again = new_client(app)
    again.submit("/account/sign-in", {"email": assessor.email, "password": factories.PASSWORD})
    assert again.get("/assessor").headers["Location"] == "/account/two-factor"  # set up again before any work


@pytest.mark.parametrize("whose", ["own", "without two-factor"])
def test_admin_cannot_reset_their_own_second_factor_or_one_that_is_not_there(admin, client, whose):
    target = admin if whose == "own" else factories.make_provider()

    response = admin_post(client, target, "reset-two-factor", follow_redirects=True)

    expected = "You cannot reset your own two-factor" if whose == "own" else "does not use two-factor sign-in"
    assert expected in text_of(response)
    assert audit_events("account.two_factor_disabled") == []
    db.session.refresh(admin)
    assert admin.has_two_factor
