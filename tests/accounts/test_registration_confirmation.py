"""Registration confirms the email address first: no account exists until the emailed link is followed."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from marketplace.core.clock import utcnow
from marketplace.extensions import db
from marketplace.registration.models import PendingRegistration
from tests.accounts.test_registration import REGISTER, provider_form
from tests.client import link_in, path_of, text_of
from tests.lookups import audit_events, user_by_email, user_count


def ask_to_register(client, form: dict):
    """Submit the registration form (the email leaves once the response has been sent), then read where it sends
    the person."""
    response = client.submit(REGISTER, form)
    response.close()
    assert response.headers["Location"] == "/account/register/check-email"
    return client.get(response.headers["Location"])


def test_registering_sends_a_link_and_creates_no_account_yet(client, outbox):
    response = ask_to_register(client, provider_form())

    assert response.status_code == 200
    assert "Check your email" in text_of(response) and "ada@example.org" in text_of(response)
    assert user_count() == 0
    assert [message["To"] for message in outbox] == ["ada@example.org"]
    assert "Confirm your email address" in outbox[0]["Subject"]
    assert [event.summary for event in audit_events("account.registration_requested")] == ["ada@example.org"]
    assert client.get("/account/").status_code == 302  # not signed in


def test_following_the_link_asks_before_creating_the_account_then_signs_in(client, outbox):
    ask_to_register(client, provider_form())
    link = path_of(link_in(outbox[0]))

    page = client.get(link)
    assert page.status_code == 200 and "Finish creating your account" in text_of(page)
    assert user_count() == 0, "opening the link (a mail scanner can) creates nothing"

    response = client.submit(link, {}, follow_redirects=True)

    assert response.request.path == "/provider/profile/basics"  # the new listing's first step (issue 17)
    user = user_by_email("ada@example.org")
    assert user.organisation.name == "Lovelace Gallery" and user.is_org_admin
    assert [event.object_id for event in audit_events("account.registered")] == [str(user.id)]
    pending = db.session.scalars(select(PendingRegistration)).one()
    assert pending.confirmed_at is not None and pending.password_hash == ""  # no copy of the hash is kept


def test_the_link_works_once(app, client, outbox):
    ask_to_register(client, provider_form())
    link = path_of(link_in(outbox[0]))
    client.submit(link, {})
    client.post("/account/sign-out", data={"csrf_token": client.csrf_token("/account/")})

    again = client.get(link)

    assert again.status_code == 404 and "This link has expired" in text_of(again)
    assert user_count() == 1


def test_the_link_expires_after_a_day(client, outbox):
    ask_to_register(client, provider_form())
    link = path_of(link_in(outbox[0]))

    with time_machine.travel(utcnow() + timedelta(hours=25)):
        assert client.get(link).status_code == 404
    assert user_count() == 0


def test_a_made_up_link_is_not_found(client):
    assert client.get("/account/register/confirm/not-a-real-token").status_code == 404


def test_two_registrations_for_one_address_make_one_account(app, client, outbox):
    ask_to_register(client, provider_form())
    ask_to_register(client, provider_form(organisation_name="Second Gallery"))
    first, second = (path_of(link_in(message)) for message in outbox)

    client.submit(second, {})
    client.post("/account/sign-out", data={"csrf_token": client.csrf_token("/account/")})
    late = client.submit(first, {}, follow_redirects=True)

    assert "An account already exists for this email address" in text_of(late)
    assert user_by_email("ada@example.org").organisation.name == "Second Gallery"
    assert user_count() == 1


def test_old_registration_requests_are_deleted_by_the_daily_job_and_recent_ones_kept(app, client, outbox):
    from marketplace.jobs.registry import job_named

    ask_to_register(client, provider_form())  # never confirmed
    ask_to_register(client, provider_form(email="grace@example.org"))
    client.submit(path_of(link_in(outbox[1])), {})  # confirmed: the account holds its details now

    assert job_named("registration.prune_pending").run(app) == "deleted 0 old registration request(s)"
    with time_machine.travel(utcnow() + timedelta(days=7, hours=2)):
        assert job_named("registration.prune_pending").run(app) == "deleted 1 old registration request(s)"
    assert db.session.scalars(select(PendingRegistration.email)).all() == ["ada@example.org"]  # a day to expire
    with time_machine.travel(utcnow() + timedelta(days=8, hours=1)):
        job_named("registration.prune_pending").run(app)
    assert db.session.scalars(select(PendingRegistration)).all() == []
    assert user_by_email("grace@example.org") is not None
